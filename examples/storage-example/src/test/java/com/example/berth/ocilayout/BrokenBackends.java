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
import dev.berth.registry.spi.PushedManifest;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.UploadHandler;
import dev.berth.registry.tck.StorageTck;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deliberately broken backends, each the example with one bug that real backends have had. The
 * {@code *Tck} classes are not run by the build directly (surefire picks {@code *Test}); {@link
 * TckRejectsBrokenBackendsTest} runs them and checks the kit fails them for the right reasons.
 */
final class BrokenBackends {
    private BrokenBackends() {
    }

    /** Copies what {@code in} gives until it ends or fails, keeping what arrived before a failure. */
    static void copy(InputStream in, ByteArrayOutputStream out) throws IOException {
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
    }

    /** Passes everything to the working example; subclasses break one thing. */
    static class Delegating implements Storage, BlobStatHandler, BlobPutHandler, BlobDeleteHandler, BlobMountHandler {
        final Storage layout;
        final OciLayoutBlobs real;

        Delegating(Path root) throws IOException {
            this.layout = new OciLayoutStorageProvider().open(StorageConfig.of(Map.of("root", root.toString())));
            this.real = (OciLayoutBlobs) layout.blobs();
        }

        @Override
        public BlobHandler blobs() {
            return this;
        }

        @Override
        public ManifestHandler manifests() {
            return layout.manifests();
        }

        @Override
        public UploadHandler uploads() {
            return layout.uploads();
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
            try {
                copy(content, received);
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
                for (Repository other : layout.manifests().repositories(Optional.empty(), 10_000).items()) {
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
            ManifestHandler m = layout.manifests();
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
                public void put(Repository repo, PushedManifest manifest, Set<Tag> tags) throws IOException {
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
     * Bug 4: writes content in place as it arrives and keeps what a failed put left; a later put
     * of the digest finds the file and only links it, so the blob is served short (put-2).
     */
    static final class KeepsPartialContent extends Delegating {
        private final java.util.Map<Digest, byte[]> contentFiles = new java.util.concurrent.ConcurrentHashMap<>();

        KeepsPartialContent(Path root) throws IOException {
            super(root);
        }

        @Override
        public void put(Repository repo, Digest digest, InputStream content) throws IOException {
            byte[] existing = contentFiles.get(digest);
            if (existing != null) { // "already stored": the bug, when it is what a failed put left
                real.put(repo, digest, new ByteArrayInputStream(existing));
                return;
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            try {
                copy(content, received);
            } finally {
                contentFiles.put(digest, received.toByteArray()); // written in place, never removed
            }
            real.put(repo, digest, new ByteArrayInputStream(received.toByteArray()));
        }
    }

    static class KeepsPartialContentTck extends StorageTck {
        @TempDir
        Path root;

        @Override
        protected Storage openStorage() throws IOException {
            return new KeepsPartialContent(root);
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
