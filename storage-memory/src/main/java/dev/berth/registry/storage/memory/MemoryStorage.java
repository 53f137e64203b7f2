// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.memory;

import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.UploadHandler;

/** All state in maps; every capability of the SPI. */
final class MemoryStorage implements Storage {
    private final MemoryBlobHandler blobs = new MemoryBlobHandler();
    private final MemoryManifestHandler manifests = new MemoryManifestHandler(blobs);
    private final MemoryUploadHandler uploads = new MemoryUploadHandler(blobs);

    @Override
    public BlobHandler blobs() {
        return blobs;
    }

    @Override
    public ManifestHandler manifests() {
        return manifests;
    }

    @Override
    public UploadHandler uploads() {
        return uploads;
    }
}
