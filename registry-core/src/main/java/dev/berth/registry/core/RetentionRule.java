// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * Which tags of the repositories it covers the online collector keeps; it removes the others.
 * A tag is kept when it matches {@code always}, is immutable, is among the {@code keepLatest}
 * most recently pushed tags that match {@code latestTags}, was pushed within {@code pushedWithin}
 * or pulled (a manifest GET by the tag) within {@code pulledWithin}. A rule with none of those
 * three removes no tag. Pulls are recorded through the backend's
 * {@link dev.berth.registry.spi.TagPullsHandler}, at most an hour stale, which the rule allows for;
 * on a backend without it, {@code pulledWithin} keeps every tag. Untagged manifests (a removed tag's, among them) are collected once they were last pushed
 * longer than {@code untaggedAfter} ago, with what only they reference.
 *
 * <p>A tag's push time is its manifest's: the last time any tag was pushed to that manifest, so
 * a retagged old image counts as new (rules err towards keeping).
 */
public record RetentionRule(String name, Predicate<Repository> covers, OptionalInt keepLatest, List<String> latestTags,
                            Optional<Duration> pushedWithin, Optional<Duration> pulledWithin, List<String> always,
                            Optional<Duration> untaggedAfter) {
    public RetentionRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(covers, "covers");
        latestTags = List.copyOf(latestTags.isEmpty() ? List.of("*") : latestTags);
        always = List.copyOf(always);
        if (keepLatest.isPresent() && keepLatest.getAsInt() < 0) {
            throw new IllegalArgumentException("retention rule " + name + ": keep-latest must not be negative");
        }
        latestTags.forEach(Globs::glob); // refuses a bad glob here
        always.forEach(Globs::glob);
    }

    /** Whether the rule removes tags at all (else it only collects untagged manifests). */
    public boolean removesTags() {
        return keepLatest.isPresent() || pushedWithin.isPresent() || pulledWithin.isPresent();
    }

    boolean alwaysKept(Tag tag) {
        return Globs.tags(always).test(tag);
    }

    boolean countedForLatest(Tag tag) {
        return Globs.tags(latestTags).test(tag);
    }

    /** What retention took out of one repository. */
    public record Removal(Repository repository, Tag tag, dev.berth.registry.api.Digest digest, String rule,
                          String reason) {
    }
}
