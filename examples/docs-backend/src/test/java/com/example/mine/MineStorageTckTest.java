// SPDX-License-Identifier: Apache-2.0
package com.example.mine;

import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import dev.berth.registry.tck.StorageTck;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** Step 2 of docs/backends.md: the kit, with the reopen that checks the journal survives a restart. */
class MineStorageTckTest extends StorageTck {
    @TempDir
    Path root;

    @Override
    protected Storage openStorage() throws IOException {
        return StorageProvider.named("mine").open(StorageConfig.of(Map.of("root", root.toString())));
    }

    @Override
    protected Optional<Storage> reopenStorage() throws IOException {
        return Optional.of(openStorage()); // the same root: what a restart finds
    }
}
