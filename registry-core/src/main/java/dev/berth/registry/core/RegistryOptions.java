// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.core.testing.Fault;
import dev.berth.registry.core.testing.Journal;
import dev.berth.registry.core.testing.Warnings;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import java.lang.System.Logger;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What {@link Registry.Builder} collected; immutable. Routes call the storage through {@code view}. */
record RegistryOptions(Storage storage, StorageView view, Optional<BlobHandler> blobOverride, Logger logger, Logger.Level requestLevel,
                       Warnings warnings, boolean referrers,
                       boolean automaticCrossMount, int maxManifestBytes, Duration uploadExpiry,
                       Optional<Journal> journal, List<Fault> faults, Optional<AccessControl> access,
                       int maxUploadSessionsPerClient, Duration uploadSessionIdle,
                       java.util.function.Consumer<RegistryEvent> events,
                       java.util.concurrent.atomic.AtomicBoolean readOnly, Immutability immutability,
                       QuotaAccounting quotas, PullRecorder pulls, Mirrors mirrors,
                       SharedMirrorState mirrorState) {
    /** Without {@code .storage(...)}: a memory storage, found as a provider so that core does not depend on it. */
    static Storage inMemory() {
        try {
            return StorageProvider.named("memory").open(StorageConfig.empty());
        } catch (IllegalArgumentException e) { // no provider of that name
            throw new IllegalStateException("Registry.builder() without .storage(...) stores in memory, which needs"
                    + " dev.berth:storage-memory on the class path (" + e.getMessage() + ")", e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
