// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.CollectionHandler;
import dev.berth.registry.spi.CollectionHandler.Item;
import dev.berth.registry.spi.CollectionHandler.Kind;
import dev.berth.registry.spi.CollectionHandler.StoredManifest;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Online garbage collection: reclaims blobs no manifest references, optionally untagged
 * manifests, abandoned uploads, and content no repository links, while the registry serves.
 *
 * <p>Per repository and kind (manifests first, then blobs) it lists items, picks those nothing
 * references and whose grace period is over, claims them, reads the references again, releases
 * what became referenced and sweeps the rest. It holds no lock across requests: a push that
 * touches a claimed item rescues it ({@link CollectionHandler}), so a manifest acknowledged
 * with 201 never points at swept content. Several collectors may run at once, in one process
 * or several.
 *
 * <pre>{@code
 * Collector collector = Collector.builder(registry).grace(Duration.ofHours(24)).build();
 * Collector.Report report = collector.collect(false);
 * Closeable schedule = collector.schedule(Duration.ofHours(1), Optional.empty());
 * }</pre>
 */
public final class Collector {
    /** Where a collection pass stands, per repository and kind; see {@link Checkpoint}. */
    public enum Phase {
        /** Candidates chosen, nothing claimed yet. */
        LISTED,
        /** Candidates claimed, references not read again yet. */
        CLAIMED,
        /** References read again and referenced items released; about to sweep. */
        RECHECKED,
        /** Sweep done. */
        SWEPT
    }

    /**
     * Called synchronously at each phase, so tests can pause the collector at an exact point
     * and act meanwhile (the TCK's GC safety scenarios do).
     */
    @FunctionalInterface
    public interface Checkpoint {
        void reached(Phase phase, Repository repo, Kind kind) throws InterruptedException;
    }

    /** One item a pass swept, or in a dry run would sweep. */
    public record Candidate(Repository repository, Kind kind, Digest digest, long size) {
    }

    /**
     * What one pass did. In a dry run nothing is claimed or swept, and the counts say what would
     * have been.
     *
     * @param claimsLost items claimed but rescued by a push, pull or another collector before
     *                   the sweep
     * @param swept      the items swept (or, dry, to sweep), at most {@link #REPORTED} of them
     */
    public record Report(boolean dryRun, Instant started, Duration took, int repositories, int manifestsSwept,
                         int blobsSwept, long bytesFreed, int claimsLost, int uploadsExpired,
                         List<Candidate> swept) {
        public static final int REPORTED = 1000;

        public Report {
            swept = List.copyOf(swept);
        }

        @Override
        public String toString() {
            return (dryRun ? "dry run: would sweep " : "swept ") + manifestsSwept + " manifests and " + blobsSwept
                    + " blobs (" + bytesFreed + " bytes) in " + repositories + " repositories, "
                    + claimsLost + " claims rescued, " + uploadsExpired + " uploads expired, in "
                    + took.toMillis() + " ms";
        }
    }

    /**
     * A daily time window in which scheduled passes may start, e.g. 01:00–05:00; {@code from}
     * after {@code to} spans midnight.
     */
    public record Window(LocalTime from, LocalTime to, ZoneId zone) {
        public Window {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(zone, "zone");
        }

        /** Parses {@code HH:MM-HH:MM} in the given zone. */
        public static Window parse(String text, ZoneId zone) {
            String[] parts = text.split("-", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("a window is HH:MM-HH:MM, not " + text);
            }
            return new Window(LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim()), zone);
        }

        public boolean contains(Instant instant) {
            LocalTime t = instant.atZone(zone).toLocalTime();
            if (from.equals(to)) {
                return true; // all day
            }
            return from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
        }
    }

    private final Registry registry;
    private final CollectionHandler store;
    private final Clock clock;
    private final Duration grace;
    private final Predicate<Repository> untagged;
    private final Checkpoint checkpoint;
    private final Logger logger;
    private final java.util.function.Consumer<Report> onReport;
    private final ReentrantLock running = new ReentrantLock();
    private volatile Report last;

    private Collector(Builder b) {
        this.registry = b.registry;
        this.store = b.registry.storage().collection().orElseThrow(() -> new IllegalArgumentException(
                "storage " + b.registry.storage().getClass().getName()
                        + " offers no CollectionHandler: it cannot be collected online"));
        this.clock = b.clock;
        this.grace = b.grace;
        this.untagged = b.untagged;
        this.checkpoint = b.checkpoint;
        this.logger = b.logger;
        this.onReport = b.onReport;
    }

    public static Builder builder(Registry registry) {
        return new Builder(Objects.requireNonNull(registry, "registry"));
    }

    /** The report of the last pass that was not a dry run, if any. */
    public Optional<Report> lastReport() {
        return Optional.ofNullable(last);
    }

    /** The grace period new unreferenced content gets. */
    public Duration grace() {
        return grace;
    }

    /**
     * Runs one pass and reports it. Passes of one collector run one at a time (a second call
     * waits); passes of different collectors may overlap safely.
     */
    public Report collect(boolean dryRun) throws IOException {
        if (!dryRun && registry.isReadOnly()) {
            throw new IllegalStateException("the registry is in read-only mode: collection waits until it is writable");
        }
        running.lock();
        try {
            Report report = pass(dryRun);
            if (!dryRun) {
                last = report;
                onReport.accept(report);
            }
            return report;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("collection interrupted");
        } finally {
            running.unlock();
        }
    }

    /** Runs {@link #collect collect(false)} every {@code interval} (inside {@code window} if given) until closed. */
    public Closeable schedule(Duration interval, Optional<Window> window) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "berth-gc");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            if (window.isPresent() && !window.get().contains(clock.instant())) {
                return;
            }
            if (registry.isReadOnly()) {
                logger.log(Level.DEBUG, "gc: skipped, the registry is in read-only mode");
                return;
            }
            try {
                collect(false);
            } catch (IOException | RuntimeException e) {
                logger.log(Level.ERROR, "gc: pass failed; the next one retries", e);
            }
        }, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
        return timer::shutdownNow;
    }

    private final class Tally {
        private static final long PROGRESS_EVERY = TimeUnit.SECONDS.toNanos(10);
        private long lastProgress = System.nanoTime();
        int repositories;
        int manifests;
        int blobs;
        long bytes;
        int lost;
        final List<Candidate> swept = new ArrayList<>();

        void add(Repository repo, Item item, long freed) {
            if (item.kind() == Kind.MANIFEST) {
                manifests++;
            } else {
                blobs++;
            }
            bytes += freed;
            if (swept.size() < Report.REPORTED) {
                swept.add(new Candidate(repo, item.kind(), item.digest(), item.size()));
            }
            progress(repo);
        }

        /** A long pass says where it is every 10 s. */
        void progress(Repository repo) {
            long now = System.nanoTime();
            if (now - lastProgress >= PROGRESS_EVERY) {
                lastProgress = now;
                logger.log(Level.INFO, () -> "gc: in progress, at repository " + repositories + " (" + repo
                        + "): swept " + manifests + " manifests and " + blobs + " blobs so far");
            }
        }
    }

    private Report pass(boolean dryRun) throws IOException, InterruptedException {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        Instant cutoff = started.minus(grace);
        Tally tally = new Tally();
        logger.log(Level.DEBUG, () -> "gc: " + (dryRun ? "dry run" : "pass") + " started, grace " + grace);
        registry.storage().manifests().forEachRepository(Optional.empty(), Listings.MAX_PAGE, repo -> {
            tally.repositories++;
            tally.progress(repo);
            if (untagged.test(repo)) {
                collectManifests(repo, cutoff, dryRun, tally);
            }
            collectBlobs(repo, cutoff, dryRun, tally);
            return true;
        });
        int expired = 0;
        if (!dryRun) {
            tally.bytes += store.reclaimUnlinked(cutoff);
            expired = registry.expireUploads(clock.instant());
        }
        Report report = new Report(dryRun, started, Duration.ofNanos(System.nanoTime() - t0), tally.repositories,
                tally.manifests, tally.blobs, tally.bytes, tally.lost, expired, tally.swept);
        logger.log(report.manifestsSwept() + report.blobsSwept() + expired > 0 || dryRun ? Level.INFO : Level.DEBUG,
                () -> "gc: " + report);
        return report;
    }

    /**
     * Untagged manifests nothing reaches: not tagged, not a child of a kept index, not a
     * referrer of a kept manifest, and past the grace period.
     */
    private void collectManifests(Repository repo, Instant cutoff, boolean dryRun, Tally tally)
            throws IOException, InterruptedException {
        List<StoredManifest> all = store.manifests(repo);
        Map<Digest, StoredManifest> byDigest = new HashMap<>();
        all.forEach(m -> byDigest.put(m.item().digest(), m));
        Set<Digest> kept = new HashSet<>();
        List<Digest> frontier = new ArrayList<>();
        for (StoredManifest m : all) {
            if (!m.tags().isEmpty() || !m.item().lastUsed().isBefore(cutoff)) {
                frontier.add(m.item().digest());
            }
        }
        Map<Digest, List<Digest>> referrersOf = new HashMap<>();
        all.forEach(m -> m.subject().ifPresent(s -> referrersOf.computeIfAbsent(s, k -> new ArrayList<>())
                .add(m.item().digest())));
        while (!frontier.isEmpty()) {
            Digest d = frontier.remove(frontier.size() - 1);
            if (!kept.add(d)) {
                continue;
            }
            StoredManifest m = byDigest.get(d);
            if (m != null) {
                m.references().stream().filter(byDigest::containsKey).forEach(frontier::add);
            }
            frontier.addAll(referrersOf.getOrDefault(d, List.of()));
        }
        List<Item> candidates = all.stream().map(StoredManifest::item).filter(i -> !kept.contains(i.digest())).toList();
        sweep(repo, Kind.MANIFEST, candidates, dryRun, tally, claimed -> {
            Set<Digest> referenced = store.references(repo);
            Map<Digest, StoredManifest> now = new HashMap<>();
            store.manifests(repo).forEach(m -> now.put(m.item().digest(), m));
            return item -> {
                StoredManifest current = now.get(item.digest());
                return referenced.contains(item.digest())
                        || current != null && !current.tags().isEmpty()
                        || current != null && current.subject().filter(now::containsKey).isPresent();
            };
        });
    }

    /** Blobs no manifest of the repository references, past the grace period. */
    private void collectBlobs(Repository repo, Instant cutoff, boolean dryRun, Tally tally)
            throws IOException, InterruptedException {
        List<Item> all = store.blobs(repo);
        if (all.isEmpty()) {
            return;
        }
        Set<Digest> referenced = store.references(repo);
        List<Item> candidates = all.stream()
                .filter(i -> !referenced.contains(i.digest()) && i.lastUsed().isBefore(cutoff)).toList();
        sweep(repo, Kind.BLOB, candidates, dryRun, tally, claimed -> {
            Set<Digest> now = store.references(repo);
            return item -> now.contains(item.digest());
        });
    }

    /** Given what was claimed, reads the store again and says which claimed items are in use after all. */
    @FunctionalInterface
    private interface Recheck {
        Predicate<Item> inUse(List<Item> claimed) throws IOException;
    }

    private void sweep(Repository repo, Kind kind, List<Item> candidates, boolean dryRun, Tally tally,
                       Recheck recheck) throws IOException, InterruptedException {
        checkpoint.reached(Phase.LISTED, repo, kind);
        if (dryRun) {
            candidates.forEach(item -> tally.add(repo, item, item.size()));
            return;
        }
        List<Item> claimed = new ArrayList<>();
        for (Item item : candidates) {
            store.claim(repo, item).ifPresent(claimed::add);
        }
        checkpoint.reached(Phase.CLAIMED, repo, kind);
        if (claimed.isEmpty()) {
            return;
        }
        Predicate<Item> inUse = recheck.inUse(claimed);
        List<Item> toSweep = new ArrayList<>();
        for (Item item : claimed) {
            if (inUse.test(item)) {
                store.release(repo, item);
            } else {
                toSweep.add(item);
            }
        }
        checkpoint.reached(Phase.RECHECKED, repo, kind);
        for (Item item : toSweep) {
            OptionalLong freed = store.sweep(repo, item);
            if (freed.isPresent()) {
                tally.add(repo, item, freed.getAsLong());
            } else {
                tally.lost++;
            }
        }
        checkpoint.reached(Phase.SWEPT, repo, kind);
    }

    /** Settings; only the registry is required. */
    public static final class Builder {
        private final Registry registry;
        private Clock clock = Clock.systemUTC();
        private Duration grace = Duration.ofHours(24);
        private Predicate<Repository> untagged = repo -> false;
        private Checkpoint checkpoint = (phase, repo, kind) -> { };
        private Logger logger = System.getLogger("dev.berth.registry.gc");
        private java.util.function.Consumer<Report> onReport = r -> { };

        private Builder(Registry registry) {
            this.registry = registry;
        }

        /** The clock grace periods and upload expiry are measured with; the system's by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long unreferenced content is kept after it was last pushed or used: a client
         * pushes blobs before the manifest that references them. 24 hours by default.
         */
        public Builder grace(Duration grace) {
            if (grace.isNegative()) {
                throw new IllegalArgumentException("grace must not be negative: " + grace);
            }
            this.grace = grace;
            return this;
        }

        /**
         * Repositories whose untagged manifests are collected (with what only they reference).
         * None by default: users who pull by digest pin untagged manifests.
         */
        public Builder untagged(Predicate<Repository> repositories) {
            this.untagged = Objects.requireNonNull(repositories, "repositories");
            return this;
        }

        /** Called at each phase; for tests that interleave requests with a pass. */
        public Builder checkpoint(Checkpoint checkpoint) {
            this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
            return this;
        }

        /** Where progress and results go; {@code dev.berth.registry.gc} by default. */
        public Builder logger(Logger logger) {
            this.logger = Objects.requireNonNull(logger, "logger");
            return this;
        }

        /** Called with the report of every pass that is not a dry run (metrics). */
        public Builder onReport(java.util.function.Consumer<Report> listener) {
            this.onReport = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public Collector build() {
            return new Collector(this);
        }
    }
}
