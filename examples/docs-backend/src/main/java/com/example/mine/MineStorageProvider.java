// SPDX-License-Identifier: Apache-2.0
package com.example.mine;

import com.google.auto.service.AutoService;
import dev.berth.registry.spi.DeclaredSettings;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code mine}: blobs as files, everything else in an append-only journal replayed at open.
 * Written from docs/backends.md alone: its pom.xml is the one that page shows.
 */
@AutoService(StorageProvider.class)
public final class MineStorageProvider implements StorageProvider, DeclaredSettings {
    @Override
    public String name() {
        return "mine";
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("root", "the directory of the blob files and the journal (required)");
    }

    @Override
    public Storage open(StorageConfig config) throws IOException {
        Path root = config.get("root").map(Path::of).orElseThrow(() ->
                new IllegalArgumentException("mine needs -s root=DIR"));
        MineStore store = MineStore.open(root);
        MineBlobs blobs = new MineBlobs(store);
        return Storage.of(blobs, new MineManifests(store), new MineUploads(store, blobs), store);
    }
}
