// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;

/**
 * An opened backend. Core asks its handlers for capabilities with {@code instanceof}:
 * {@code blobs() instanceof BlobPutHandler put}.
 */
public interface Storage extends Closeable {
    BlobHandler blobs();

    ManifestHandler manifests();

    UploadHandler uploads();

    /**
     * What online garbage collection needs ({@link CollectionHandler}); empty when the backend
     * cannot be collected while it serves.
     */
    default Optional<CollectionHandler> collection() {
        return Optional.empty();
    }

    @Override
    default void close() throws IOException {
    }
}
