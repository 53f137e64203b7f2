// SPDX-License-Identifier: Apache-2.0
package com.example.berth.ocilayout;

import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.BlobDeleteHandler;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.BlobMountHandler;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.BlobStatHandler;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Page;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.UploadHandler;
import dev.berth.registry.tck.StorageTck;
import dev.berth.registry.spi.CollectionHandler;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deliberately broken backends, each the example with one bug that real backends have had. The
 * {@code *Tck} classes are not run by the build directly (surefire picks {@code *Test}); {@link
 * TckRejectsBrokenBackendsTest} runs them and checks the kit fails them for the right reasons.
 */
final class BrokenBackends {
    private BrokenBackends() {
    }

    /** Passes everything to the working example; subclasses break one thing. */
    static class Delegating implements Storage, BlobStatHandler, BlobPutHandler, BlobDeleteHandler, BlobMountHandler {
        final OciLayoutStorage real;

        Delegating(Path root) throws IOException {
            this.real = new OciLayoutStorage(root);
        }

        @Override
        public BlobHandler blobs() {
            return this;
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
        public InputStream get(Repository repo, Digest digest) throws IOException {
            return real.get(repo, digest);
        }

        @Override
        public long stat(Repository repo, Digest digest) throws IOException {
            return real.stat(repo, digest);
        }

        @Override
        public void put(Repository repo, Digest digest, InputStream content) throws IOException {
            real.put(repo, digest, content);
        }

        @Override
        public void delete(Repository repo, Digest digest) throws IOException {
            real.delete(repo, digest);
        }

        @Override
        public void mount(Repository from, Repository to, Digest digest) throws IOException {
            real.mount(from, to, digest);
        }
    }

    /** Bug 1: stores whatever arrived when reading fails, instead of committing nothing (put-2). */
    static final class CommitsUnverifiedBytes extends Delegating {
        CommitsUnverifiedBytes(Path root) throws IOException {
            super(root);
        }

        @Override
        public void put(Repository repo, Digest digest, InputStream content) throws IOException {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = content.read(buffer)) >= 0) {
                    received.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // "the client sent it, keep it": the bug
            }
            real.put(repo, digest, new ByteArrayInputStream(received.toByteArray()));
        }
    }

    /** Bug 2: finds a blob in any repository, so anyone can read content by guessing digests (get-2). */
    static final class LeaksAcrossRepositories extends Delegating {
        LeaksAcrossRepositories(Path root) throws IOException {
            super(root);
        }

        @Override
        public InputStream get(Repository repo, Digest digest) throws IOException {
            try {
                return real.get(repo, digest);
            } catch (NotFoundException e) {
                for (Repository other : real.manifests().repositories(Optional.empty(), 10_000).items()) {
                    try {
                        return real.get(other, digest);
                    } catch (NotFoundException again) {
                        // next
                    }
                }
                throw e;
            }
        }
    }

    /** Bug 3: lists tags newest-first and ignores the page start (tags-1). */
    static final class UnorderedTags extends Delegating {
        UnorderedTags(Path root) throws IOException {
            super(root);
        }

        @Override
        public ManifestHandler manifests() {
            ManifestHandler m = real.manifests();
            return new ManifestHandler() {
                @Override
                public Manifest get(Repository repo, Digest digest) throws IOException {
                    return m.get(repo, digest);
                }

                @Override
                public Digest resolve(Repository repo, Tag tag) throws IOException {
                    return m.resolve(repo, tag);
                }

                @Override
                public void put(Repository repo, Manifest manifest, Set<Tag> tags) throws IOException {
                    m.put(repo, manifest, tags);
                }

                @Override
                public void delete(Repository repo, Digest digest) throws IOException {
                    m.delete(repo, digest);
                }

                @Override
                public void untag(Repository repo, Tag tag) throws IOException {
                    m.untag(repo, tag);
                }

                @Override
                public Page<Tag> tags(Repository repo, Optional<Tag> after, int limit) throws IOException {
                    List<Tag> all = new ArrayList<>(m.tags(repo, Optional.empty(), 100_000).items());
                    Collections.reverse(all);
                    return Page.of(all.subList(0, Math.min(all.size(), limit + 1)), limit);
                }

                @Override
                public Page<Repository> repositories(Optional<Repository> after, int limit) throws IOException {
                    return m.repositories(after, limit);
                }

                @Override
                public List<Descriptor> referrers(Repository repo, Digest subject) throws IOException {
                    return m.referrers(repo, subject);
                }
            };
        }
    }

    /**
     * Bug 4: the collector's sweep deletes the blob without checking that its claim still
     * holds, so a push, mount or manifest that rescued the blob meanwhile loses it (gc-sweep).
     * Built on the memory backend, which is collectable.
     */
    static final class SweepsWithoutItsClaim implements Storage, CollectionHandler {
        private final Storage real;
        private final CollectionHandler collection;

        SweepsWithoutItsClaim() throws IOException {
            this.real = StorageProvider.named("memory").open(StorageConfig.empty());
            this.collection = real.collection().orElseThrow();
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
        public Optional<CollectionHandler> collection() {
            return Optional.of(this);
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
            if (claimed.kind() == Kind.MANIFEST) {
                return collection.sweep(repo, claimed);
            }
            try { // the bug: no compare-and-swap on the claim
                ((BlobDeleteHandler) real.blobs()).delete(repo, claimed.digest());
                return OptionalLong.of(claimed.size());
            } catch (NotFoundException e) {
                return OptionalLong.empty();
            }
        }

        @Override
        public long reclaimUnlinked(Instant cutoff) throws IOException {
            return collection.reclaimUnlinked(cutoff);
        }
    }

    static class SweepsWithoutItsClaimTck extends StorageTck {
        @Override
        protected Storage openStorage() throws IOException {
            return new SweepsWithoutItsClaim();
        }
    }

    static class CommitsUnverifiedBytesTck extends StorageTck {
        @TempDir
        Path root;

        @Override
        protected Storage openStorage() throws IOException {
            return new CommitsUnverifiedBytes(root);
        }
    }

    static class LeaksAcrossRepositoriesTck extends StorageTck {
        @TempDir
        Path root;

        @Override
        protected Storage openStorage() throws IOException {
            return new LeaksAcrossRepositories(root);
        }
    }

    static class UnorderedTagsTck extends StorageTck {
        @TempDir
        Path root;

        @Override
        protected Storage openStorage() throws IOException {
            return new UnorderedTags(root);
        }
    }
}
