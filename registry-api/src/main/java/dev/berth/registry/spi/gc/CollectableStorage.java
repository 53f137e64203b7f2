// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi.gc;

import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.UploadHandler;
import java.io.Closeable;
import java.util.Objects;

/**
 * Capability of a {@link Storage}: it can be collected online, while it serves. Core asks
 * {@code storage instanceof CollectableStorage c} and collects through {@link #collection()};
 * the clauses its other handlers then keep (gc-rescue, gc-superset) are {@link CollectionHandler}'s.
 */
public interface CollectableStorage extends Storage {
    CollectionHandler collection();

    /** A collectable storage of these handlers; {@code onClose} runs when it is closed. */
    static CollectableStorage of(BlobHandler blobs, ManifestHandler manifests, UploadHandler uploads,
                                 CollectionHandler collection, Closeable onClose) {
        Objects.requireNonNull(blobs, "blobs");
        Objects.requireNonNull(manifests, "manifests");
        Objects.requireNonNull(uploads, "uploads");
        Objects.requireNonNull(collection, "collection");
        Objects.requireNonNull(onClose, "onClose");
        record Handlers(BlobHandler blobs, ManifestHandler manifests, UploadHandler uploads,
                        CollectionHandler collection, Closeable onClose) implements CollectableStorage {
            @Override
            public void close() throws java.io.IOException {
                onClose.close();
            }
        }
        return new Handlers(blobs, manifests, uploads, collection, onClose);
    }
}
