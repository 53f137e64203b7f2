// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.registry.spi.gc.CollectableStorage;
import dev.berth.registry.spi.BlobDeleteHandler;
import dev.berth.registry.spi.BlobMountHandler;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.BlobStatHandler;
import dev.berth.registry.spi.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

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
 * Checks of a capability your blob handler lacks are skipped with the reason; the
 * {@code capabilities} check prints what was found (standard output, which Surefire shows, and
 * a JUnit report entry). Display names start with the
 * contract clause of the SPI's javadoc they check.
 */
public abstract class StorageTck {
    private Storage storage;

    /** A new, empty storage for one check; the kit closes it afterwards. */
    protected abstract Storage openStorage() throws IOException;

    /**
     * For a durable backend: the storage {@link #openStorage} opened last, opened again over the
     * same data, as after a restart (the kit has closed the first one). Empty, the default: the
     * backend keeps nothing across a restart, and the durability checks (durable-1…3) are skipped.
     */
    protected Optional<Storage> reopenStorage() throws IOException {
        return Optional.empty();
    }

    /** Closes the storage under test and opens it again; skips the check when the backend does not reopen. */
    private Storage restart() throws IOException {
        storage.close();
        storage = null;
        Optional<Storage> again = reopenStorage();
        assumeTrue(again.isPresent(), "the kit's reopenStorage() is not overridden: durability is not checked"
                + " (override it to reopen the same root, as after a restart)");
        storage = again.get();
        return storage;
    }

    @BeforeEach
    protected final void openForCheck() throws IOException {
        storage = openStorage();
    }

    @AfterEach
    protected final void closeAfterCheck() throws IOException {
        if (storage != null) {
            storage.close();
        }
    }

    @Test
    @DisplayName("capabilities: report which blob capabilities the backend implements")
    protected final void capabilities(TestReporter report) {
        List<String> found = new ArrayList<>(List.of("BlobHandler"));
        List<String> missing = new ArrayList<>();
        for (Class<?> capability : List.of(BlobStatHandler.class, BlobPutHandler.class, BlobDeleteHandler.class,
                BlobMountHandler.class)) {
            (capability.isInstance(storage.blobs()) ? found : missing).add(capability.getSimpleName());
        }
        String collection = storage instanceof CollectableStorage ? "CollectionHandler" : "no CollectionHandler";
        report.publishEntry("capabilities", String.join(", ", found) + ", " + collection);
        report.publishEntry("missing capabilities (their checks are skipped)",
                missing.isEmpty() ? "none" : String.join(", ", missing));
        // JUnit's report entries reach IDEs and the console launcher; Surefire shows standard output
        System.out.println("Berth TCK, " + getClass().getSimpleName() + ": capabilities " + String.join(", ", found)
                + ", " + collection + "; missing (checks skipped): "
                + (missing.isEmpty() ? "none" : String.join(", ", missing)));
    }

    @Nested
    @DisplayName("BlobHandler: get and put")
    class Blobs extends BlobContracts {
        @Override
        Storage storage() {
            return storage;
        }
    }

    @Nested
    @DisplayName("blob capabilities: stat, redirects, delete, mount")
    class BlobCapabilities extends BlobCapabilityContracts {
        @Override
        Storage storage() {
            return storage;
        }
    }

    @Nested
    @DisplayName("ManifestHandler: manifests, tags, listings, referrers")
    class Manifests extends ManifestContracts {
        @Override
        Storage storage() {
            return storage;
        }
    }

    @Nested
    @DisplayName("UploadHandler: upload sessions")
    class Uploads extends UploadContracts {
        @Override
        Storage storage() {
            return storage;
        }
    }

    @Nested
    @DisplayName("protocol: blob push and pull over HTTP")
    class BlobFlows extends BlobProtocol {
        @Override
        Storage storage() {
            return storage;
        }
    }

    @Nested
    @DisplayName("protocol: manifests over HTTP")
    class ManifestFlows extends ManifestProtocol {
        @Override
        Storage storage() {
            return storage;
        }
    }

    @Nested
    @DisplayName("protocol: tags, catalog, referrers over HTTP")
    class ListingFlows extends ListingProtocol {
        @Override
        Storage storage() {
            return storage;
        }
    }

    @Nested
    @DisplayName("restarts: what was acknowledged survives closing and reopening")
    class Durability extends DurabilityContracts {
        @Override
        Storage storage() {
            return storage;
        }

        @Override
        Storage restart() throws IOException {
            return StorageTck.this.restart();
        }
    }

    @Nested
    @DisplayName("CollectionHandler: claims")
    class Claims extends CollectionContracts {
        @Override
        Storage storage() {
            return storage;
        }
    }

    @Nested
    @DisplayName("online garbage collection: safety under concurrent pushes")
    class Collection extends CollectionProtocol {
        @Override
        Storage storage() {
            return storage;
        }
    }

    @Nested
    @DisplayName("protocol: errors and hostile input")
    class Errors extends ErrorProtocol {
        @Override
        Storage storage() {
            return storage;
        }
    }
}
