// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.registry.spi.gc.CollectableStorage;
import dev.berth.registry.spi.BlobDeleteHandler;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.BlobLocateHandler;
import dev.berth.registry.spi.BlobMountHandler;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.BlobStatHandler;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.TagClaimHandler;
import dev.berth.registry.spi.MirrorStateStorage;
import dev.berth.registry.spi.TagPullsHandler;
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
    private Optional<BlobHandler> blobHandler = Optional.empty();

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

    /**
     * For a blob-only plugin (a {@code BlobHandlerProvider}): the blob handler to check, with
     * {@link #openStorage} keeping manifests, tags and upload sessions, as the server's
     * {@code --blobs} composes them. The blob checks then run on the handler and the protocol checks
     * on the composition (a read-only handler, with {@code get} alone, skips those, which push);
     * the GC checks are skipped, since the collector never collects the handler's blobs. Empty,
     * the default: the storage's own blobs are checked. A handler that is {@link java.io.Closeable}
     * is closed after each check.
     */
    protected Optional<BlobHandler> openBlobHandler() throws IOException {
        return Optional.empty();
    }

    Storage storageUnderTest() {
        return storage;
    }

    Optional<BlobHandler> blobHandlerUnderTest() {
        return blobHandler;
    }

    /** Closes the storage under test and opens it again; skips the check when the backend does not reopen. */
    Storage restart() throws IOException {
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
        blobHandler = openBlobHandler();
    }

    @AfterEach
    protected final void closeAfterCheck() throws IOException {
        if (blobHandler.isPresent() && blobHandler.get() instanceof java.io.Closeable closeable) {
            closeable.close();
        }
        if (storage != null) {
            storage.close();
        }
    }

    @Test
    @DisplayName("capabilities: report which capabilities the backend implements")
    protected final void capabilities(TestReporter report) {
        List<String> found = new ArrayList<>(List.of("BlobHandler"));
        List<String> missing = new ArrayList<>();
        for (Class<?> capability : List.of(BlobStatHandler.class, BlobPutHandler.class, BlobDeleteHandler.class,
                BlobMountHandler.class, BlobLocateHandler.class)) {
            (capability.isInstance(blobHandler.orElse(storage.blobs())) ? found : missing)
                    .add(capability.getSimpleName());
        }
        (storage.manifests() instanceof TagClaimHandler ? found : missing).add(TagClaimHandler.class.getSimpleName());
        (storage.manifests() instanceof TagPullsHandler ? found : missing).add(TagPullsHandler.class.getSimpleName());
        (storage instanceof MirrorStateStorage ? found : missing).add(MirrorStateStorage.class.getSimpleName());
        String collection = blobHandler.isPresent() ? "over a store that keeps the rest (GC checks skipped)"
                : storage instanceof CollectableStorage ? "CollectionHandler" : "no CollectionHandler";
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
        StorageTck kit() {
            return StorageTck.this;
        }
    }

    @Nested
    @DisplayName("blob capabilities: stat, redirects, delete, mount, locate")
    class BlobCapabilities extends BlobCapabilityContracts {
        @Override
        StorageTck kit() {
            return StorageTck.this;
        }
    }

    @Nested
    @DisplayName("ManifestHandler: manifests, tags, listings, referrers")
    class Manifests extends ManifestContracts {
        @Override
        StorageTck kit() {
            return StorageTck.this;
        }
    }

    @Nested
    @DisplayName("TagClaimHandler: tags created once (immutable tags)")
    class TagClaims extends TagClaimContracts {
        @Override
        StorageTck kit() {
            return StorageTck.this;
        }
    }

    @Nested
    @DisplayName("TagPullsHandler: last pulls (retention's pulled-within)")
    class TagPulls extends TagPullsContracts {
        @Override
        StorageTck kit() {
            return StorageTck.this;
        }
    }

    @Nested
    @DisplayName("MirrorStateStorage: the pull-through cache's state, shared by the nodes of a storage")
    class MirrorState extends MirrorStateContracts {
        @Override
        StorageTck kit() {
            return StorageTck.this;
        }
    }

    @Nested
    @DisplayName("UploadHandler: upload sessions")
    class Uploads extends UploadContracts {
        @Override
        StorageTck kit() {
            return StorageTck.this;
        }
    }

    @Nested
    @DisplayName("protocol: blob push and pull over HTTP")
    class BlobFlows extends BlobProtocol {
        @Override
        StorageTck kit() {
            return StorageTck.this;
        }
    }

    @Nested
    @DisplayName("protocol: manifests over HTTP")
    class ManifestFlows extends ManifestProtocol {
        @Override
        StorageTck kit() {
            return StorageTck.this;
        }
    }

    @Nested
    @DisplayName("protocol: immutable tags over HTTP")
    class ImmutableTagFlows extends ImmutableTagProtocol {
        @Override
        StorageTck kit() {
            return StorageTck.this;
        }
    }

    @Nested
    @DisplayName("protocol: byte quotas over HTTP")
    class QuotaFlows extends QuotaProtocol {
        @Override
        StorageTck kit() {
            return StorageTck.this;
        }
    }

    @Nested
    @DisplayName("protocol: tags, catalog, referrers over HTTP")
    class ListingFlows extends ListingProtocol {
        @Override
        StorageTck kit() {
            return StorageTck.this;
        }
    }

    @Nested
    @DisplayName("restarts: what was acknowledged survives closing and reopening")
    class Durability extends DurabilityContracts {
        @Override
        StorageTck kit() {
            return StorageTck.this;
        }
    }

    @Nested
    @DisplayName("CollectionHandler: claims")
    class Claims extends CollectionContracts {
        @Override
        StorageTck kit() {
            return StorageTck.this;
        }
    }

    @Nested
    @DisplayName("online garbage collection: safety under concurrent pushes")
    class Collection extends CollectionProtocol {
        @Override
        StorageTck kit() {
            return StorageTck.this;
        }
    }

    @Nested
    @DisplayName("online garbage collection: retention rules")
    class RetentionFlows extends RetentionProtocol {
        @Override
        StorageTck kit() {
            return StorageTck.this;
        }
    }

    @Nested
    @DisplayName("protocol: errors and hostile input")
    class Errors extends ErrorProtocol {
        @Override
        StorageTck kit() {
            return StorageTck.this;
        }
    }
}
