// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.gc.CollectionHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What quotas' subjects use: measured from the storage's own listing of blob links (so every
 * server on one storage measures the same), again at most every few seconds, plus what this
 * server committed since and what commits in progress here have reserved, so that racing
 * pushes to one server cannot together pass a limit.
 */
final class QuotaAccounting {
    private static final long MEASURE_EVERY_NANOS = 5_000_000_000L;
    /** Subjects remembered before stale ones are forgotten: one per repository pushed to could be many. */
    private static final int REMEMBERED = 10_000;
    /** Untouched this long, a subject is forgotten (never one a push is using: that touched it just now). */
    private static final long FORGET_AFTER_NANOS = 60_000_000_000L;

    /** One quota of one repository, or of all its repositories when shared. */
    private record Subject(String quota, String repository) {
    }

    private static final class Usage {
        long measured = -1;
        long measuredAt;
        long since;
        long reserved;
        volatile long touchedAt = System.nanoTime();
    }

    private final Quotas quotas;
    private final StorageView view;
    private final Map<Subject, Usage> usage = new ConcurrentHashMap<>();

    QuotaAccounting(Quotas quotas, StorageView view, boolean blobHandler) {
        if (quotas != Quotas.NONE && (view.collection().isEmpty() || blobHandler)) {
            throw new IllegalArgumentException("quotas measure the blobs a storage lists for garbage collection: "
                    + (blobHandler ? "a separate blob handler's blobs cannot be measured"
                    : "this storage has no CollectionHandler"));
        }
        this.quotas = quotas;
        this.view = view;
    }

    private List<Quota> applying(Repository repo) {
        List<Quota> found = new ArrayList<>();
        for (Quota q : quotas.current()) {
            if (q.covers().test(repo)) {
                found.add(q);
            }
        }
        return found;
    }

    /** Refuses when {@code bytes} more in {@code repo} would pass one of its quotas. */
    void check(Repository repo, long bytes) throws IOException {
        for (Quota quota : applying(repo)) {
            Usage u = measured(quota, repo);
            synchronized (u) {
                refuseOver(quota, repo, u, bytes);
            }
        }
    }

    /** Refuses a chunk of {@code length} bytes (-1: not declared) after {@code received} when it would pass a quota. */
    void checkChunk(Repository repo, long received, long length) throws IOException {
        check(repo, received + Math.max(0, length));
    }

    /**
     * {@code body}, a chunk of undeclared length after {@code received} bytes, cut off with a
     * refusal where the tightest quota's room ends; unchanged when no quota applies.
     */
    java.io.InputStream limited(Repository repo, long received, java.io.InputStream body) throws IOException {
        Quota tightest = null;
        long room = Long.MAX_VALUE;
        for (Quota quota : applying(repo)) {
            Usage u = measured(quota, repo);
            synchronized (u) {
                long left = quota.maxBytes() - u.measured - u.since - u.reserved - received;
                if (left < room) {
                    room = left;
                    tightest = quota;
                }
            }
        }
        if (tightest == null) {
            return body;
        }
        Quota quota = tightest;
        long used = quota.maxBytes() - room - received;
        return new QuotaLimitedInputStream(body, Math.max(0, room),
                more -> refusal(quota, repo, used, received + more, " at least"));
    }

    /** Holds {@code bytes} for a blob about to be linked into {@code repo}, or refuses. */
    QuotaReservation reserve(Repository repo, Digest digest, long bytes) throws IOException {
        List<Quota> applying = applying(repo);
        if (applying.isEmpty() || linked(repo, digest)) {
            return QuotaReservation.NOTHING; // content the repository holds already takes no more room there
        }
        List<Usage> held = new ArrayList<>();
        try {
            for (Quota quota : applying) {
                Usage u = measured(quota, repo);
                synchronized (u) {
                    refuseOver(quota, repo, u, bytes);
                    u.reserved += bytes;
                }
                held.add(u);
            }
        } catch (IOException | RuntimeException e) { // a later quota refused, or could not be measured
            release(held, bytes, false);
            throw e;
        }
        return new QuotaReservation() {
            private boolean done;

            @Override
            public void committed() {
                release(held, bytes, true);
                done = true;
            }

            @Override
            public void close() {
                if (!done) {
                    release(held, bytes, false);
                }
            }
        };
    }

    private static void release(List<Usage> held, long bytes, boolean committed) {
        for (Usage u : held) {
            synchronized (u) {
                u.reserved -= bytes;
                if (committed) {
                    u.since += bytes;
                }
            }
        }
    }

    /**
     * A reservation for mounting {@code digest} into {@code repo} from {@code from}, or empty when
     * a quota applies and the blob's size cannot be known here: the client then uploads it, and
     * the commit is checked.
     */
    Optional<QuotaReservation> forMount(Repository repo, Digest digest, Optional<Repository> from) throws IOException {
        if (applying(repo).isEmpty()) {
            return Optional.of(QuotaReservation.NOTHING);
        }
        if (from.isEmpty() || view.stat().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(reserve(repo, digest, view.stat().get().stat(from.get(), digest)));
        } catch (NotFoundException e) {
            return Optional.of(QuotaReservation.NOTHING); // nothing to mount: the mount falls back to an upload
        }
    }

    /** Whether a quota applies to {@code repo}. */
    boolean applies(Repository repo) {
        return !applying(repo).isEmpty();
    }

    /** Forgets what was measured for {@code repo}, after a delete gave room back. */
    void forget(Repository repo) {
        usage.keySet().removeIf(s -> s.repository().equals(repo.name()) || s.repository().isEmpty());
    }

    private boolean linked(Repository repo, Digest digest) throws IOException {
        if (view.stat().isEmpty()) {
            return false;
        }
        try {
            view.stat().get().stat(repo, digest);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    private static void refuseOver(Quota quota, Repository repo, Usage u, long bytes) {
        long used = u.measured + u.since + u.reserved;
        if (used + bytes > quota.maxBytes()) {
            throw refusal(quota, repo, used, bytes, "");
        }
    }

    private static RegistryException refusal(Quota quota, Repository repo, long used, long bytes, String atLeast) {
        return new RegistryException(ErrorCode.DENIED, "quota \"" + quota.name() + "\" of "
                + (quota.shared() ? "the repositories it covers, " + repo + " among them" : repo) + " would be exceeded: "
                + Quota.readable(used) + " used of " + Quota.readable(quota.maxBytes()) + ", and this blob needs"
                + atLeast + " " + Quota.readable(bytes) + " more"
                + "; delete images (garbage collection gives the space back) or ask for more");
    }

    /** The usage of {@code quota}'s subject for {@code repo}, measured again if it is old. */
    private Usage measured(Quota quota, Repository repo) throws IOException {
        Subject subject = new Subject(quota.name(), quota.shared() ? "" : repo.name());
        long now = System.nanoTime();
        if (usage.size() > REMEMBERED) { // measured again when next needed; reservations in flight stay
            usage.values().removeIf(u -> {
                synchronized (u) {
                    return u.reserved == 0 && now - u.touchedAt > FORGET_AFTER_NANOS;
                }
            });
        }
        Usage u = usage.computeIfAbsent(subject, s -> new Usage());
        u.touchedAt = now;
        boolean stale;
        synchronized (u) {
            stale = u.measured < 0 || now - u.measuredAt > MEASURE_EVERY_NANOS;
        }
        if (stale) {
            long sinceBefore;
            synchronized (u) {
                sinceBefore = u.since;
            }
            long bytes = quota.shared() ? sharedBytes(quota) : linkedBytes(repo);
            synchronized (u) {
                u.measured = bytes;
                u.measuredAt = now;
                // commits before the listing are in it; one during it may count twice, never zero times
                u.since -= sinceBefore;
            }
        }
        return u;
    }

    /** Bytes of the blobs linked in {@code repo}, as the storage lists them. */
    long linkedBytes(Repository repo) throws IOException {
        long total = 0;
        for (CollectionHandler.Item item : collection().blobs(repo)) {
            total += item.size();
        }
        return total;
    }

    private long sharedBytes(Quota quota) throws IOException {
        long[] total = {0};
        Repositories.forEach(view.manifests(), Optional.empty(), Listings.MAX_PAGE, repo -> {
            if (quota.covers().test(repo)) {
                total[0] += linkedBytes(repo);
            }
            return true;
        });
        return total[0];
    }

    /** Every quota's use, measured now: shared ones once, the others per repository holding blobs. */
    List<Quota.Use> report() throws IOException {
        List<Quota.Use> uses = new ArrayList<>();
        for (Quota quota : quotas.current()) {
            if (quota.shared()) {
                uses.add(new Quota.Use(quota.name(), Optional.empty(), sharedBytes(quota), quota.maxBytes()));
                continue;
            }
            Repositories.forEach(view.manifests(), Optional.empty(), Listings.MAX_PAGE, repo -> {
                if (quota.covers().test(repo)) {
                    uses.add(new Quota.Use(quota.name(), Optional.of(repo.name()), linkedBytes(repo), quota.maxBytes()));
                }
                return true;
            });
        }
        return uses;
    }

    private CollectionHandler collection() {
        return view.collection().orElseThrow(() -> new IllegalStateException("quotas need a storage that lists blobs"));
    }
}
