// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.gc.CollectionHandler;
import dev.berth.registry.spi.gc.CollectionHandler.Kind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * Collector.Report report = collector.collect(false);   // when the host's scheduler says
 * }</pre>
 * When passes run is the host's decision: the runnable server schedules them by interval and a
 * daily window; an embedder calls {@link #collect} from its own scheduler.
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
                         List<Candidate> swept, Map<String, Integer> tagsRemovedByRule,
                         List<RetentionRule.Removal> tagsRemoved) {
        public static final int REPORTED = 1000;

        public Report {
            swept = List.copyOf(swept);
            tagsRemovedByRule = Map.copyOf(tagsRemovedByRule);
            tagsRemoved = List.copyOf(tagsRemoved);
        }

        @Override
        public String toString() {
            int tags = tagsRemovedByRule.values().stream().mapToInt(Integer::intValue).sum();
            return (dryRun ? "dry run: would remove " : "removed ") + tags + " tags by retention, "
                    + (dryRun ? "would sweep " : "swept ") + manifestsSwept + " manifests and " + blobsSwept
                    + " blobs (" + bytesFreed + " bytes) in " + repositories + " repositories, "
                    + claimsLost + " claims rescued, " + uploadsExpired + " uploads expired, in "
                    + took.toMillis() + " ms";
        }
    }

    private final Registry registry;
    private final Duration grace;
    private final CollectionPass pass;
    private final java.util.function.Consumer<Report> onReport;
    private final ReentrantLock running = new ReentrantLock();
    private volatile Report last;

    private Collector(Builder b) {
        this.registry = b.registry;
        this.grace = b.grace;
        CollectionHandler collection = b.registry.options().view().collection().orElseThrow(() -> new IllegalArgumentException(
                "storage " + b.registry.storage().getClass().getName()
                + " is no CollectableStorage: it cannot be collected online"));
        this.pass = new CollectionPass(b.registry, collection, b.clock, b.grace, b.untagged,
                b.registry.options().mirrors().withExpiry(b.retention),
                b.checkpoint, b.logger);
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
            Report report = pass.run(dryRun);
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

    /** Settings; only the registry is required. */
    public static final class Builder {
        private final Registry registry;
        private Clock clock = Clock.systemUTC();
        private Duration grace = Duration.ofHours(24);
        private Predicate<Repository> untagged = repo -> false;
        private Retention retention = Retention.NONE;
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

        /**
         * Retention rules: tags each pass removes (never immutable ones), and untagged manifests
         * it collects after a period; a dry run reports each tag it would remove and why.
         */
        public Builder retention(Retention retention) {
            this.retention = Objects.requireNonNull(retention, "retention");
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
