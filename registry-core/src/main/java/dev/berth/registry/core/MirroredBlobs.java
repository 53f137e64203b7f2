// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * end-2 for blobs a mirror does not hold yet: mounted from another repository that holds the
 * digest, or fetched once from the upstream however many clients ask at once, streamed to them
 * while it is stored ({@link BlobFetch}). The fetch runs on its own thread, so it completes, and
 * the blob is cached, when every client hung up. With a storage that shares mirror state, one
 * node of the storage fetches a digest at a time, under a lease it renews as bytes arrive, and
 * the others serve the blob once it is stored.
 */
final class MirroredBlobs {
    private record Key(Repository repo, Digest digest) {
    }

    private final RegistryOptions options;
    private final Mounts mounts;
    private final SharedMirrorState shared;
    private final Map<Key, BlobFetch> inFlight = new ConcurrentHashMap<>();

    MirroredBlobs(RegistryOptions options) {
        this.options = options;
        this.mounts = new Mounts(options);
        this.shared = options.mirrorState();
    }

    void serve(Exchange ex, MirrorTarget target, Digest digest) throws IOException {
        if (!target.allowed()) {
            throw target.notMirrored(target.remote());
        }
        Repository local = target.local();
        StorageView storage = options.view();
        // a plain name was looked up as pushed; the cache holds it under the upstream's name
        if (target.mode() == MirrorTarget.Mode.DEFAULT && servedFromCache(ex, target, digest)) {
            return;
        }
        // a repository the caller may pull holds it: mounted (end-11's rules), not fetched
        if (!options.readOnly().get() && mounts.mount(ex, local, digest, Optional.empty())
                && servedFromCache(ex, target, digest)) {
            return;
        }
        if (ex.isHead()) { // asks the upstream for the size, caching nothing
            try (UpstreamClient.Answer answer = target.client().blob("HEAD", target.remote(), digest)) {
                ex.response.setStatus(200);
                if (answer.contentLength() >= 0) {
                    ex.response.setContentLengthLong(answer.contentLength());
                }
                return;
            } catch (UpstreamException e) {
                throw e.toClient(ErrorCode.BLOB_UNKNOWN, "blob " + digest);
            }
        }
        BlobFetch fetch = join(target, digest, true);
        if (fetch == null) {
            if (awaitedElsewhere(ex, target, digest)) {
                return;
            }
            // the lease is this node's now, or the other node outlasted the wait: fetch it here either way
            fetch = join(target, digest, false);
        }
        long size;
        try {
            size = fetch.awaitSize(target.upstream().timeout());
        } catch (UpstreamException e) {
            throw e.toClient(ErrorCode.BLOB_UNKNOWN, "blob " + digest);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for the upstream");
        }
        Optional<InputStream> reader = fetch.reader();
        if (reader.isEmpty()) { // finished between join and now: stored
            Blobs.serveStored(ex, storage, local, digest, () -> { }); // counted as a hit when it joined
            return;
        }
        try (InputStream in = reader.get()) {
            ex.response.setStatus(200);
            if (size >= 0) {
                ex.response.setContentLengthLong(size);
            }
            in.transferTo(ex.response.getOutputStream());
        }
    }

    private boolean servedFromCache(Exchange ex, MirrorTarget target, Digest digest) throws IOException {
        try {
            Blobs.serveStored(ex, options.view(), target.local(), digest, target.client().counts.hits::increment);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /**
     * The fetch of {@code digest} in progress on this node, or a new one it starts; when
     * {@code leased}, null instead if another node of the storage holds the fetch's lease.
     */
    private BlobFetch join(MirrorTarget target, Digest digest, boolean leased) throws IOException {
        Key key = new Key(target.local(), digest);
        while (true) {
            BlobFetch running = inFlight.get(key);
            if (running != null) {
                target.client().counts.hits.increment(); // served without asking the upstream again
                return running;
            }
            BlobFetch created = new BlobFetch(options.mirrors().spool(UUID.randomUUID().toString()));
            if (inFlight.putIfAbsent(key, created) == null) {
                if (leased && shared.fetchedElsewhere(key.repo(), digest, lease(target))) {
                    inFlight.remove(key, created);
                    created.removeSpool();
                    return null;
                }
                return start(key, created, target);
            }
            created.removeSpool();
        }
    }

    private BlobFetch start(Key key, BlobFetch created, MirrorTarget target) throws IOException {
        try {
            options.mirrors().fetchers().execute(() -> fetch(key, created, target));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            inFlight.remove(key, created);
            created.removeSpool();
            shared.release(key.repo(), key.digest());
            throw new UpstreamException(UpstreamException.Kind.RATE_LIMITED, "as many downloads from upstreams"
                    + " are in progress as this mirror allows", java.util.Optional.of(java.time.Duration.ofSeconds(1)))
                    .toClient(ErrorCode.BLOB_UNKNOWN, "blob " + key.digest());
        }
        return created;
    }

    /** Long enough for the holder to renew it between reads, each of which may take the upstream's timeout. */
    private static Duration lease(MirrorTarget target) {
        return target.upstream().timeout().multipliedBy(2);
    }

    /**
     * Serves {@code digest} once the node holding its fetch stored it; false when that node's lease
     * ended without it (the fetch failed or the node died), or outlasted a bound on the wait.
     */
    private boolean awaitedElsewhere(Exchange ex, MirrorTarget target, Digest digest) throws IOException {
        long deadline = System.nanoTime() + lease(target).multipliedBy(10).toNanos();
        long pause = 20;
        while (System.nanoTime() < deadline) {
            if (servedFromCache(ex, target, digest)) {
                return true;
            }
            if (!shared.fetchedElsewhere(target.local(), digest, lease(target))) { // free, and now this node's
                if (servedFromCache(ex, target, digest)) {
                    shared.release(target.local(), digest);
                    return true;
                }
                return false; // join fetches it under the lease just taken
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted waiting for another node's fetch");
            }
            pause = Math.min(pause * 2, 500);
        }
        return false;
    }

    private void fetch(Key key, BlobFetch fetch, MirrorTarget target) {
        try (UpstreamClient.Answer answer = target.client().blob("GET", target.remote(), key.digest())) {
            fetch.started(answer.contentLength());
            InputStream content = new SpoolingStream(new VerifyingInputStream(renewing(answer.body(), key, target),
                    key.digest(), answer.contentLength()), fetch);
            if (options.view().put().isPresent() && !options.readOnly().get()) {
                options.view().put().get().put(key.repo(), key.digest(), content);
            }
            content.transferTo(OutputStream.nullOutputStream()); // served, not cached; or -1 after a put that stopped at the size
        } catch (IOException | RuntimeException e) {
            if (!fetch.isVerified()) { // verified bytes reach the clients even when the cache could not keep them
                fetch.failed(e instanceof IOException io ? io : new IOException(e));
            }
            options.logger().log(Level.WARNING, "mirror: fetching " + key.digest() + " for " + key.repo() + " from "
                    + target.upstream().name() + " failed: " + e.getMessage());
        } finally {
            fetch.failed(new IOException("the fetch ended before the blob did")); // a no-op once finished
            inFlight.remove(key, fetch);
            fetch.removeSpool();
            shared.release(key.repo(), key.digest());
        }
    }

    /** {@code body}, renewing this node's lease on the fetch while bytes keep arriving. */
    private InputStream renewing(InputStream body, Key key, MirrorTarget target) {
        if (!shared.isShared()) {
            return body;
        }
        long every = lease(target).toNanos() / 4;
        return new java.io.FilterInputStream(body) {
            private long renewed = System.nanoTime();

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (System.nanoTime() - renewed > every) {
                    renewed = System.nanoTime();
                    shared.fetchedElsewhere(key.repo(), key.digest(), lease(target)); // extends this node's own lease
                }
                return n;
            }
        };
    }
}
