// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import java.io.Closeable;
import java.io.IOException;

/**
 * An opened backend. Core asks its handlers for capabilities with {@code instanceof}:
 * {@code blobs() instanceof BlobPutHandler put}.
 */
public interface Storage extends Closeable {
    BlobHandler blobs();

    ManifestHandler manifests();

    UploadHandler uploads();

    @Override
    default void close() throws IOException {
    }
}
