// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.Storage;

/** What every group of checks shares: the storage under test, opened by {@link StorageTck}. */
abstract class Contracts {
    abstract Storage storage();

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
