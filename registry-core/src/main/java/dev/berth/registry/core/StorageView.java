// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.BlobDeleteHandler;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.BlobLocateHandler;
import dev.berth.registry.spi.BlobMountHandler;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.BlobStatHandler;
import dev.berth.registry.spi.ExternalContent;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.MirrorStateHandler;
import dev.berth.registry.spi.MirrorStateStorage;
import dev.berth.registry.spi.PartSizedUploads;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.TagClaimHandler;
import dev.berth.registry.spi.TagPullsHandler;
import dev.berth.registry.spi.UploadHandler;
import dev.berth.registry.spi.gc.CollectableStorage;
import dev.berth.registry.spi.gc.CollectionHandler;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The storage as core calls it: each capability looked up once with {@code instanceof}, and,
 * when the host observes the storage, each handler wrapped one interface at a time (a wrapper
 * need not offer every combination of capabilities, so none is built by reflection).
 */
record StorageView(BlobHandler blobs, Optional<BlobStatHandler> stat, Optional<BlobPutHandler> put,
                   Optional<BlobDeleteHandler> delete, Optional<BlobMountHandler> mount,
                   Optional<Locator> locate,
                   ManifestHandler manifests, Optional<Claimer> claim, Optional<PullTimes> pulls,
                   boolean externalContent,
                   UploadHandler uploads, Optional<PartSizedUploads> partSizes,
                   Optional<CollectionHandler> collection, Optional<MirrorStateHandler> mirrorState) {

    /** {@code blobs} serves and stores blobs: the storage's own or the builder's override. */
    static StorageView of(Storage storage, BlobHandler blobs, Optional<StorageObserver> observer) {
        StorageView plain = new StorageView(blobs,
                blobs instanceof BlobStatHandler s ? Optional.of(s) : Optional.empty(),
                blobs instanceof BlobPutHandler p ? Optional.of(p) : Optional.empty(),
                blobs instanceof BlobDeleteHandler d ? Optional.of(d) : Optional.empty(),
                blobs instanceof BlobMountHandler m ? Optional.of(m) : Optional.empty(),
                blobs instanceof BlobLocateHandler l ? Optional.<Locator>of(l::locate) : Optional.empty(),
                storage.manifests(),
                storage.manifests() instanceof TagClaimHandler c ? Optional.of(Claimer.of(c)) : Optional.empty(),
                storage.manifests() instanceof TagPullsHandler p ? Optional.of(PullTimes.of(p)) : Optional.empty(),
                storage.manifests() instanceof ExternalContent,
                storage.uploads(),
                storage.uploads() instanceof PartSizedUploads parts ? Optional.of(parts) : Optional.empty(),
                storage instanceof CollectableStorage c ? Optional.of(c.collection()) : Optional.empty(),
                storage instanceof MirrorStateStorage m ? Optional.of(m.mirrorState()) : Optional.empty());
        return observer.map(o -> plain.observed(new ObservedCalls(o))).orElse(plain);
    }

    private StorageView observed(ObservedCalls calls) {
        return new StorageView(new ObservedBlobs.Get(blobs, calls),
                stat.<BlobStatHandler>map(s -> new ObservedBlobs.Stat(s, calls)),
                put.<BlobPutHandler>map(p -> new ObservedBlobs.Put(p, calls)),
                delete.<BlobDeleteHandler>map(d -> new ObservedBlobs.Delete(d, calls)),
                mount.<BlobMountHandler>map(m -> new ObservedBlobs.Mount(m, calls)),
                locate.<Locator>map(l -> (digest, limit) -> calls.time("BlobLocateHandler.locate",
                        () -> l.locate(digest, limit))),
                new ObservedManifests(manifests, calls),
                claim.map(c -> c.observed(calls)), pulls.map(p -> p.observed(calls)),
                externalContent,
                new ObservedUploads(uploads, calls), partSizes,
                collection.<CollectionHandler>map(c -> new ObservedCollection(c, calls)),
                mirrorState.<MirrorStateHandler>map(m -> new ObservedMirrorState(m, calls)));
    }

    /** What core asks of a {@link TagClaimHandler}. */
    interface Claimer {
        Digest claim(Repository repo, Tag tag, Digest digest) throws IOException;

        boolean untag(Repository repo, Tag tag, Digest expected) throws IOException;

        static Claimer of(TagClaimHandler handler) {
            return new Claimer() {
                @Override
                public Digest claim(Repository repo, Tag tag, Digest digest) throws IOException {
                    return handler.claim(repo, tag, digest);
                }

                @Override
                public boolean untag(Repository repo, Tag tag, Digest expected) throws IOException {
                    return handler.untag(repo, tag, expected);
                }
            };
        }

        default Claimer observed(ObservedCalls calls) {
            Claimer target = this;
            return new Claimer() {
                @Override
                public Digest claim(Repository repo, Tag tag, Digest digest) throws IOException {
                    return calls.time("TagClaimHandler.claim", () -> target.claim(repo, tag, digest));
                }

                @Override
                public boolean untag(Repository repo, Tag tag, Digest expected) throws IOException {
                    return calls.time("TagClaimHandler.untag", () -> target.untag(repo, tag, expected));
                }
            };
        }
    }

    /** What core asks of a {@link TagPullsHandler}. */
    interface PullTimes {
        void record(Repository repo, Tag tag, java.time.Instant at) throws IOException;

        java.util.Map<Tag, java.time.Instant> pulls(Repository repo) throws IOException;

        static PullTimes of(TagPullsHandler handler) {
            return new PullTimes() {
                @Override
                public void record(Repository repo, Tag tag, java.time.Instant at) throws IOException {
                    handler.recordPull(repo, tag, at);
                }

                @Override
                public java.util.Map<Tag, java.time.Instant> pulls(Repository repo) throws IOException {
                    return handler.pulls(repo);
                }
            };
        }

        default PullTimes observed(ObservedCalls calls) {
            PullTimes target = this;
            return new PullTimes() {
                @Override
                public void record(Repository repo, Tag tag, java.time.Instant at) throws IOException {
                    calls.run("TagPullsHandler.recordPull", () -> target.record(repo, tag, at));
                }

                @Override
                public java.util.Map<Tag, java.time.Instant> pulls(Repository repo) throws IOException {
                    return calls.time("TagPullsHandler.pulls", () -> target.pulls(repo));
                }
            };
        }
    }

    /** What core asks of a {@link BlobLocateHandler}; the mount itself goes through {@link #mount}. */
    @FunctionalInterface
    interface Locator {
        List<Repository> locate(Digest digest, int limit) throws IOException;
    }
}
