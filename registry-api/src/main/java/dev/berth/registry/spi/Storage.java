// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import java.io.Closeable;
import java.io.IOException;
import java.util.Objects;

/**
 * An opened backend. Every optional capability is an interface that core finds with
 * {@code instanceof} (the list is in this package's documentation): {@code blobs() instanceof
 * BlobPutHandler put}, {@code storage instanceof CollectableStorage c}.
 *
 * <p>Handlers are called concurrently, from many request threads at once. A backend owns its
 * data while open: it keeps a second process off the same root (or says in its documentation
 * how several share it, as the S3 backend does).
 *
 * <p>A durable backend, opened again over the same data after {@link #close} (or a crash), finds
 * what it acknowledged: durable-1: blobs, manifests, tags and referrers entries whose puts
 * returned; durable-2: upload sessions at the size their last append returned; durable-3: no
 * manifest or tag whose delete or untag returned. A backend that keeps nothing across a restart
 * (the memory one) says so in its documentation.
 */
public interface Storage extends Closeable {
    BlobHandler blobs();

    ManifestHandler manifests();

    UploadHandler uploads();

    @Override
    default void close() throws IOException {
    }

    /** A storage of these handlers, without a class of its own; {@code onClose} runs when it is closed. */
    static Storage of(BlobHandler blobs, ManifestHandler manifests, UploadHandler uploads, Closeable onClose) {
        Objects.requireNonNull(blobs, "blobs");
        Objects.requireNonNull(manifests, "manifests");
        Objects.requireNonNull(uploads, "uploads");
        Objects.requireNonNull(onClose, "onClose");
        record Handlers(BlobHandler blobs, ManifestHandler manifests, UploadHandler uploads, Closeable onClose)
                implements Storage {
            @Override
            public void close() throws IOException {
                onClose.close();
            }
        }
        return new Handlers(blobs, manifests, uploads, onClose);
    }
}
