// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.Collector.Candidate;
import dev.berth.registry.core.Collector.Checkpoint;
import dev.berth.registry.core.Collector.Phase;
import dev.berth.registry.core.Collector.Report;
import dev.berth.registry.spi.gc.CollectionHandler;
import dev.berth.registry.spi.gc.CollectionHandler.Item;
import dev.berth.registry.spi.gc.CollectionHandler.Kind;
import dev.berth.registry.spi.gc.CollectionHandler.StoredManifest;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** One pass of a {@link Collector}: repository by repository, manifests then blobs, list, claim, recheck, sweep. */
final class CollectionPass {
    private final Registry registry;
    private final CollectionHandler store;
    private final Clock clock;
    private final Duration grace;
    private final Predicate<Repository> untagged;
    private final Retention retention;
    private final Checkpoint checkpoint;
    private final Logger logger;

    CollectionPass(Registry registry, CollectionHandler store, Clock clock, Duration grace,
                   Predicate<Repository> untagged, Retention retention, Checkpoint checkpoint, Logger logger) {
        this.registry = registry;
        this.store = store;
        this.clock = clock;
        this.grace = grace;
        this.untagged = untagged;
        this.retention = retention;
        this.checkpoint = checkpoint;
        this.logger = logger;
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
        final Map<String, Integer> tagsByRule = new HashMap<>();
        final List<RetentionRule.Removal> tagsRemoved = new ArrayList<>();

        void removed(RetentionRule.Removal removal) {
            tagsByRule.merge(removal.rule(), 1, Integer::sum);
            if (tagsRemoved.size() < Report.REPORTED) {
                tagsRemoved.add(removal);
            }
        }

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

    Report run(boolean dryRun) throws IOException, InterruptedException {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        Instant cutoff = started.minus(grace);
        Tally tally = new Tally();
        logger.log(Level.DEBUG, () -> "gc: " + (dryRun ? "dry run" : "pass") + " started, grace " + grace);
        Repositories.forEach(registry.options().view().manifests(), Optional.empty(), Listings.MAX_PAGE, repo -> {
            tally.repositories++;
            tally.progress(repo);
            Optional<RetentionRule> rule = retention.ruleFor(repo);
            if (rule.isPresent()) {
                retain(repo, rule.get(), started, dryRun, tally);
            }
            Optional<Instant> untaggedCutoff = rule.flatMap(RetentionRule::untaggedAfter).map(started::minus)
                    .map(after -> after.isBefore(cutoff) ? after : cutoff);
            if (untagged.test(repo) || untaggedCutoff.isPresent()) {
                collectManifests(repo, untaggedCutoff.orElse(cutoff), dryRun, tally);
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
                tally.manifests, tally.blobs, tally.bytes, tally.lost, expired, tally.swept, tally.tagsByRule,
                tally.tagsRemoved);
        logger.log(report.manifestsSwept() + report.blobsSwept() + expired > 0 || dryRun ? Level.INFO : Level.DEBUG,
                () -> "gc: " + report);
        return report;
    }

    /** Removes the tags {@code rule} does not keep, each only while it still names the manifest judged. */
    private void retain(Repository repo, RetentionRule rule, Instant now, boolean dryRun, Tally tally)
            throws IOException, InterruptedException {
        StorageView view = registry.options().view();
        if (rule.pulledWithin().isPresent()) {
            registry.options().pulls().flush(Duration.ofSeconds(30)); // pulls of a moment ago count
        }
        Optional<Map<dev.berth.registry.api.Tag, Instant>> pulls = rule.pulledWithin().isPresent()
                && view.pulls().isPresent() ? Optional.of(view.pulls().get().pulls(repo)) : Optional.empty();
        for (RetentionRule.Removal removal : Retaining.judge(repo, rule, store.manifests(repo), now,
                registry.options().immutability(), pulls)) {
            if (dryRun || Retaining.remove(view, removal)) {
                tally.removed(removal);
            }
        }
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
}
