// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.gc.CollectionHandler.Item;
import dev.berth.registry.spi.gc.CollectionHandler.Kind;
import dev.berth.registry.spi.gc.CollectionHandler.State;
import dev.berth.registry.spi.gc.CollectionHandler.StoredManifest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which tags a retention rule removes, judged from manifests with known push times. */
class RetainingTest {
    private static final Repository REPO = new Repository("ci/app");
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    /** Tags "build-1" … "build-N", build-i pushed i hours after a day ago (build-N the newest), plus extras. */
    private static List<StoredManifest> builds(int n, String... extraTagsOnNewest) {
        List<StoredManifest> manifests = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            Digest d = Digest.sha256(("build " + i).getBytes(StandardCharsets.UTF_8));
            Set<Tag> tags = new java.util.HashSet<>(Set.of(new Tag("build-" + i)));
            if (i == n) {
                for (String extra : extraTagsOnNewest) {
                    tags.add(new Tag(extra));
                }
            }
            manifests.add(new StoredManifest(new Item(Kind.MANIFEST, d, State.LIVE, i,
                    NOW.minus(Duration.ofHours(24)).plus(Duration.ofHours(i)), 100), Set.of(), Optional.empty(), tags));
        }
        return manifests;
    }

    private static Set<String> removed(RetentionRule rule, List<StoredManifest> manifests, ImmutableTags immutable) {
        Set<String> tags = new TreeSet<>();
        for (RetentionRule.Removal r : Retaining.judge(REPO, rule, manifests, NOW, new Immutability(immutable, null),
                Optional.empty())) {
            tags.add(r.tag().value());
            assertEquals(rule.name(), r.rule());
        }
        return tags;
    }

    private static RetentionRule rule(OptionalInt latest, List<String> latestTags, Optional<Duration> within,
                                      List<String> always) {
        return new RetentionRule("ci", repo -> true, latest, latestTags, within, Optional.empty(), always, Optional.empty());
    }

    @Test
    @DisplayName("keep-latest keeps the N most recently pushed tags matching latest-tags, and removes the rest")
    void keepLatest() {
        assertEquals(Set.of("build-1", "build-2", "build-3"),
                removed(rule(OptionalInt.of(2), List.of(), Optional.empty(), List.of()), builds(5), ImmutableTags.NONE));
        assertEquals(Set.of("build-1", "build-2", "build-3", "build-4", "build-5"),
                removed(rule(OptionalInt.of(0), List.of(), Optional.empty(), List.of("latest")), builds(5, "latest"),
                        ImmutableTags.NONE), "keep-latest 0 with always: only latest stays");
        assertEquals(Set.of("build-1", "build-2", "build-3", "build-4", "build-5"),
                removed(rule(OptionalInt.of(3), List.of("release-*"), Optional.empty(), List.of()),
                        builds(5, "release-1"), ImmutableTags.NONE), "tags outside latest-tags are not counted, nor kept");
    }

    @Test
    @DisplayName("pushed-within keeps recent tags; always and immutable tags are never removed")
    void withinAlwaysImmutable() {
        assertEquals(Set.of("build-1", "build-2", "build-3", "build-4", "build-5", "build-6", "build-7", "build-8",
                        "build-9", "build-10", "build-11", "build-12", "build-13", "build-14", "build-15"),
                removed(rule(OptionalInt.empty(), List.of(), Optional.of(Duration.ofHours(8)), List.of()), builds(20),
                        ImmutableTags.NONE), "pushed within the last 8 hours: build-16 … build-20");
        assertEquals(Set.of("build-1"),
                removed(rule(OptionalInt.of(1), List.of(), Optional.empty(), List.of("build-2")), builds(4),
                        ImmutableTags.matching("ci/**", "build-3")), "build-4 latest, build-2 always, build-3 immutable");
    }

    @Test
    @DisplayName("pulled-within keeps tags pulled lately, allowing for an hour of staleness; unknown pulls keep all")
    void pulledWithin() {
        RetentionRule rule = new RetentionRule("ci", repo -> true, OptionalInt.empty(), List.of(), Optional.empty(),
                Optional.of(Duration.ofDays(7)), List.of(), Optional.empty());
        java.util.Map<Tag, Instant> pulls = java.util.Map.of(
                new Tag("build-1"), NOW.minus(Duration.ofDays(2)),                       // kept
                new Tag("build-2"), NOW.minus(Duration.ofDays(7)).minus(Duration.ofMinutes(30)), // within the hour allowed
                new Tag("build-3"), NOW.minus(Duration.ofDays(9)));                      // removed
        Set<String> removed = new TreeSet<>();
        List<RetentionRule.Removal> judged = Retaining.judge(REPO, rule, builds(4), NOW,
                new Immutability(ImmutableTags.NONE, null), Optional.of(pulls));
        judged.forEach(r -> removed.add(r.tag().value()));
        assertEquals(Set.of("build-3", "build-4"), removed, "build-4 was never pulled");
        assertTrue(judged.stream().anyMatch(r -> r.reason().equals("never pulled, not within 168h")), judged.toString());
        assertTrue(Retaining.judge(REPO, rule, builds(4), NOW, new Immutability(ImmutableTags.NONE, null),
                Optional.empty()).isEmpty(), "a backend that records no pulls: every tag is kept");
    }

    @Test
    @DisplayName("a rule without keep-latest or pushed-within removes no tag; the reason names what the tag missed")
    void reasonsAndNoop() {
        assertTrue(removed(rule(OptionalInt.empty(), List.of(), Optional.empty(), List.of()), builds(3),
                ImmutableTags.NONE).isEmpty());
        RetentionRule both = rule(OptionalInt.of(1), List.of("build-*"), Optional.of(Duration.ofHours(2)), List.of());
        RetentionRule.Removal first = Retaining.judge(REPO, both, builds(3), NOW, new Immutability(ImmutableTags.NONE, null),
                Optional.empty())
                .stream().filter(r -> r.tag().value().equals("build-1")).findFirst().orElseThrow();
        assertEquals("not among the 1 most recently pushed tags matching [build-*], and pushed 2026-11-30T13:00:00Z,"
                + " not within 2h", first.reason());
    }
}
