// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.core.RetentionRule.Removal;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.gc.CollectionHandler.StoredManifest;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Applies a {@link RetentionRule} to one repository: which tags go, and their removal. */
final class Retaining {
    private record Tagged(Tag tag, Digest digest, Instant pushed) {
    }

    private Retaining() {
    }

    /**
     * The tags {@code rule} removes from {@code repo}, given its manifests as listed now and its
     * recorded pulls (empty: none known, so {@code pulledWithin} keeps every tag).
     */
    static List<Removal> judge(Repository repo, RetentionRule rule, List<StoredManifest> manifests, Instant now,
                               Immutability immutability, Optional<Map<Tag, Instant>> pulls) {
        if (!rule.removesTags()) {
            return List.of();
        }
        List<Tagged> tagged = new ArrayList<>();
        for (StoredManifest m : manifests) {
            for (Tag tag : m.tags()) {
                tagged.add(new Tagged(tag, m.item().digest(), m.item().lastUsed()));
            }
        }
        // newest first, ties by name, so a pass judges the same tags the same way every time
        tagged.sort(Comparator.comparing(Tagged::pushed).reversed().thenComparing(t -> t.tag().value()));
        Set<Tag> latest = new HashSet<>();
        if (rule.keepLatest().isPresent()) {
            tagged.stream().filter(t -> rule.countedForLatest(t.tag())).limit(rule.keepLatest().getAsInt())
                    .forEach(t -> latest.add(t.tag()));
        }
        Instant recent = rule.pushedWithin().map(now::minus).orElse(Instant.MAX);
        // a recorded pull may be up to PullRecorder.RESOLUTION older than the last one: allowed for
        Optional<Instant> pulledSince = rule.pulledWithin().map(d -> now.minus(d).minus(PullRecorder.RESOLUTION));
        List<Removal> removals = new ArrayList<>();
        for (Tagged t : tagged) {
            boolean kept = rule.alwaysKept(t.tag()) || immutability.rule(repo, t.tag()).isPresent()
                    || latest.contains(t.tag()) || !t.pushed().isBefore(recent)
                    || pulledSince.isPresent() && (pulls.isEmpty() || pulls.get().containsKey(t.tag())
                    && !pulls.get().get(t.tag()).isBefore(pulledSince.get()));
            if (!kept) {
                removals.add(new Removal(repo, t.tag(), t.digest(), rule.name(),
                        reason(rule, t, pulls.map(p -> p.get(t.tag())))));
            }
        }
        return removals;
    }

    private static String reason(RetentionRule rule, Tagged t, Optional<Instant> pulled) {
        List<String> why = new ArrayList<>();
        rule.keepLatest().ifPresent(n -> why.add("not among the " + n + " most recently pushed tags matching "
                + rule.latestTags()));
        rule.pushedWithin().ifPresent(d -> why.add("pushed " + t.pushed() + ", not within " + readable(d)));
        rule.pulledWithin().ifPresent(d -> why.add(pulled.map(p -> "last pulled " + p).orElse("never pulled")
                + ", not within " + readable(d)));
        return String.join(", and ", why);
    }

    private static String readable(java.time.Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Removes the tag if it still names the judged manifest (a push since then keeps it); returns
     * whether it did.
     */
    static boolean remove(StorageView view, Removal removal) throws IOException {
        if (view.claim().isPresent()) {
            return view.claim().get().untag(removal.repository(), removal.tag(), removal.digest());
        }
        try { // without the capability: checked, then removed (a push in between may lose its tag)
            if (!view.manifests().resolve(removal.repository(), removal.tag()).equals(removal.digest())) {
                return false;
            }
            view.manifests().untag(removal.repository(), removal.tag());
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }
}
