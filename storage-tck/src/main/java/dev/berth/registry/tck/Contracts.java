// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.Storage;
import java.util.Optional;

/** What every group of checks shares: the storage under test, opened by {@link StorageTck}. */
abstract class Contracts {
    /** The kit running this group. */
    abstract StorageTck kit();

    Storage storage() {
        return kit().storageUnderTest();
    }

    /** The blob handler under test, when the kit checks a blob-only plugin composed with the storage. */
    Optional<BlobHandler> blobHandler() {
        return kit().blobHandlerUnderTest();
    }

    /** The blobs core serves: the blob handler under test, or the storage's own. */
    BlobHandler servedBlobs() {
        return blobHandler().orElseGet(() -> storage().blobs());
    }

    static Repository repo(String name) {
        return new Repository(name);
    }

    /** Skips the check, naming the capability the backend lacks. */
    static <T> T require(Object handler, Class<T> capability) {
        assumeTrue(capability.isInstance(handler), () -> handler.getClass().getName() + " does not implement "
                + capability.getSimpleName() + ": its checks are skipped");
        return capability.cast(handler);
    }
}
