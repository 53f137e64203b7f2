// SPDX-License-Identifier: Apache-2.0
package com.example.berth.blobfiles;

import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.BlobHandlerProvider;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageProvider;
import dev.berth.registry.tck.StorageTck;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** The kit on the plugin composed with a built-in store, as {@code --blobs blob-files --storage memory} serves it. */
class BlobFilesTckTest extends StorageTck {
    @TempDir
    Path root;

    @Override
    protected Storage openStorage() throws IOException {
        return StorageProvider.named("memory").open(Map.of());
    }

    /** The plugin's settings. */
    Map<String, String> settings() {
        return Map.of("root", root.toString());
    }

    @Override
    protected Optional<BlobHandler> openBlobHandler() throws IOException {
        return Optional.of(BlobHandlerProvider.named("blob-files", getClass().getClassLoader()).open(settings()));
    }
}
