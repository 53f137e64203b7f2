// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import com.google.auto.service.AutoService;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code disk}: everything under one directory, crash-safe. Settings: {@code root} (default
 * {@code ./registry-data}); {@code sync-chunks} (default false): fdatasync every upload chunk
 * before its 202, so an unfinished upload also survives power loss, not only a crash of the
 * process.
 */
@AutoService(StorageProvider.class)
public final class DiskStorageProvider implements StorageProvider {
    @Override
    public String name() {
        return "disk";
    }

    @Override
    public Storage open(StorageConfig config) throws IOException {
        return DiskStorage.open(config.path("root", Path.of("registry-data")), config.flag("sync-chunks", false));
    }
}
