// SPDX-License-Identifier: Apache-2.0
package com.example.berth.ocilayout;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobDeleteHandler;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.gc.CollectableStorage;
import dev.berth.registry.spi.gc.CollectionHandler;
import dev.berth.registry.spi.gc.CollectionHandler.Kind;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import dev.berth.registry.spi.UploadHandler;
import dev.berth.registry.tck.StorageTck;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Collectable backends with one bug each in the garbage-collection lifecycle, or in durability,
 * that the kit must reject. Built on the memory backend, which is collectable: each passes
 * everything through but the one thing it breaks.
 */
final class BrokenCollectors {
    private BrokenCollectors() {
    }

    /** The memory backend, its collection handler reachable for one method to be broken. */
    static class Delegating implements CollectableStorage, CollectionHandler {
        final Storage real;
        final CollectionHandler collection;

        Delegating() throws IOException {
            this.real = StorageProvider.named("memory").open(StorageConfig.empty());
            this.collection = ((CollectableStorage) real).collection();
        }

        @Override
        public BlobHandler blobs() {
            return real.blobs();
        }

        @Override
        public ManifestHandler manifests() {
            return real.manifests();
        }

        @Override
        public UploadHandler uploads() {
            return real.uploads();
        }

        @Override
        public CollectionHandler collection() {
            return this;
        }

        @Override
        public List<Item> blobs(Repository repo) throws IOException {
            return collection.blobs(repo);
        }

        @Override
        public List<StoredManifest> manifests(Repository repo) throws IOException {
            return collection.manifests(repo);
        }

        @Override
        public Set<Digest> references(Repository repo) throws IOException {
            return collection.references(repo);
        }

        @Override
        public Optional<Item> claim(Repository repo, Item seen) throws IOException {
            return collection.claim(repo, seen);
        }

        @Override
        public void release(Repository repo, Item claimed) throws IOException {
            collection.release(repo, claimed);
        }

        @Override
        public OptionalLong sweep(Repository repo, Item claimed) throws IOException {
            return collection.sweep(repo, claimed);
        }

        @Override
        public long reclaimUnlinked(Instant cutoff) throws IOException {
            return collection.reclaimUnlinked(cutoff);
        }
    }

    /**
     * The collector's sweep removes an item of one kind without checking that its claim still
     * holds, so a use that rescued it meanwhile loses it (gc-sweep): for blobs, a push, mount or
     * manifest; for manifests, an index put after the pass rechecked its claimed child.
     */
    static final class SweepsWithoutTheClaim extends Delegating {
        private final Kind broken;

        SweepsWithoutTheClaim(Kind broken) throws IOException {
            this.broken = broken;
        }

        @Override
        public OptionalLong sweep(Repository repo, Item claimed) throws IOException {
            if (claimed.kind() != broken) {
                return collection.sweep(repo, claimed);
            }
            try { // the bug: no compare-and-swap on the claim
                if (broken == Kind.BLOB) {
                    ((BlobDeleteHandler) real.blobs()).delete(repo, claimed.digest());
                } else {
                    real.manifests().delete(repo, claimed.digest());
                }
                return OptionalLong.of(claimed.size());
            } catch (NotFoundException e) {
                return OptionalLong.empty();
            }
        }
    }

    /** A claim left by a collector that died can never be taken over, so its items stay COLLECTING (gc-claim). */
    static final class RefusesClaimTakeover extends Delegating {
        RefusesClaimTakeover() throws IOException {
        }

        @Override
        public Optional<Item> claim(Repository repo, Item seen) throws IOException {
            return seen.state() == State.COLLECTING ? Optional.empty() : collection.claim(repo, seen);
        }
    }

    static class SweepsBlobsWithoutTheirClaimTck extends StorageTck {
        @Override
        protected Storage openStorage() throws IOException {
            return new SweepsWithoutTheClaim(Kind.BLOB);
        }
    }

    static class SweepsManifestsWithoutTheirClaimTck extends StorageTck {
        @Override
        protected Storage openStorage() throws IOException {
            return new SweepsWithoutTheClaim(Kind.MANIFEST);
        }
    }

    static class RefusesClaimTakeoverTck extends StorageTck {
        @Override
        protected Storage openStorage() throws IOException {
            return new RefusesClaimTakeover();
        }
    }

    /** Says it reopens, but a restart finds a new, empty store: what the memory backend would be if it claimed durability. */
    static class ForgetsOnRestartTck extends StorageTck {
        @Override
        protected Storage openStorage() throws IOException {
            return StorageProvider.named("memory").open(StorageConfig.empty());
        }

        @Override
        protected Optional<Storage> reopenStorage() throws IOException {
            return Optional.of(openStorage());
        }
    }
}
