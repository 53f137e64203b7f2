// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import com.google.auto.service.AutoService;
import dev.berth.registry.spi.DeclaredSettings;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** {@code disk}: everything under one directory, crash-safe; its settings are {@link #settings()}. */
@AutoService(StorageProvider.class)
public final class DiskStorageProvider implements StorageProvider, DeclaredSettings {
    @Override
    public String name() {
        return "disk";
    }

    @Override
    public Map<String, String> settings() {
        return DeclaredSettings.of(
                "root", "the directory everything is stored under (default ./registry-data)",
                "sync-chunks", "fdatasync every upload chunk before its 202, so an unfinished upload also survives"
                        + " power loss, not only a crash of the process (default false)");
    }

    @Override
    public Storage open(StorageConfig config) throws IOException {
        return DiskStorage.open(config.path("root", Path.of("registry-data")), config.flag("sync-chunks", false));
    }
}
