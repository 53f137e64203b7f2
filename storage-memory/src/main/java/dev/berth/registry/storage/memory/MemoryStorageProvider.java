// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.memory;

import com.google.auto.service.AutoService;
import dev.berth.registry.spi.DeclaredSettings;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import java.util.Map;

/** {@code memory}: everything on the heap, gone at exit. For tests and trials. */
@AutoService(StorageProvider.class)
public final class MemoryStorageProvider implements StorageProvider, DeclaredSettings {
    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Map<String, String> settings() {
        return Map.of(); // nothing to set: a setting given to memory is a mistake
    }

    @Override
    public Storage open(StorageConfig config) {
        MemoryBlobHandler blobs = new MemoryBlobHandler();
        MemoryManifestHandler manifests = new MemoryManifestHandler(blobs);
        return new MemoryStorage(blobs, manifests, new MemoryUploadHandler(blobs),
                new MemoryCollection(blobs, manifests), new MemoryMirrorState());
    }
}
