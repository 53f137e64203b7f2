// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.memory;

import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import dev.berth.registry.tck.StorageTck;

/** The memory backend passes the whole kit; {@code named} also proves the @AutoService registration. */
class MemoryStorageTckTest extends StorageTck {
    @Override
    protected Storage openStorage() {
        try {
            return StorageProvider.named("memory").open(StorageConfig.empty());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
