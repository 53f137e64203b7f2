// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import dev.berth.registry.spi.Storage;
import java.io.IOException;

/**
 * The storage conformance kit. Extend it in your backend's tests and open a fresh, empty storage:
 * <pre>{@code
 * class MyStorageTckTest extends StorageTck {
 *     @TempDir Path root;
 *
 *     @Override
 *     protected Storage openStorage() throws IOException {
 *         return StorageProvider.named("mine").open(StorageConfig.of(Map.of("root", root.toString())));
 *     }
 * }
 * }</pre>
 */
public abstract class StorageTck {
    /** A new, empty storage for one test; the kit closes it afterwards. */
    protected abstract Storage openStorage() throws IOException;
}
