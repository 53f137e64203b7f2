// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which tags are immutable. Once such a tag points at a manifest, pushing another manifest to
 * it, deleting it, and deleting the manifest it names are refused with {@code 403 DENIED}
 * naming the rule; pushing the same manifest again succeeds (clients retry), and so does
 * creating a new tag that matches. Of two pushes racing to create one immutable tag exactly one
 * wins: through the backend's {@link dev.berth.registry.spi.TagClaimHandler} on every node,
 * without it within this process.
 */
@FunctionalInterface
public interface ImmutableTags {
    /** Nothing is immutable. */
    ImmutableTags NONE = (repo, tag) -> Optional.empty();

    /** The rule that makes {@code tag} of {@code repo} immutable, as refusals name it; empty when it may change. */
    Optional<String> rule(Repository repo, Tag tag);

    /**
     * Whether some tag of {@code repo} may be immutable: a delete by digest looks through the
     * repository's tags only then. True unless the implementation knows better.
     */
    default boolean mayApply(Repository repo) {
        return true;
    }

    /**
     * Tags matching one of {@code tags} in repositories matching one of {@code repositories}, as
     * globs: {@code *} within a name component, {@code **} across them, {@code ?}, {@code [0-9]}
     * and {@code {a,b}} as in {@link java.nio.file.FileSystem#getPathMatcher}. Refusals name
     * the rule by {@code name}.
     */
    static ImmutableTags matching(String name, List<String> repositories, List<String> tags) {
        Objects.requireNonNull(name, "name");
        if (repositories.isEmpty() || tags.isEmpty()) {
            throw new IllegalArgumentException("an immutable-tags rule needs repositories and tags: " + name);
        }
        java.util.function.Predicate<Repository> repos = Globs.repositories(repositories);
        java.util.function.Predicate<Tag> names = Globs.tags(tags);
        return new ImmutableTags() {
            @Override
            public Optional<String> rule(Repository repo, Tag tag) {
                return mayApply(repo) && names.test(tag) ? Optional.of(name) : Optional.empty();
            }

            @Override
            public boolean mayApply(Repository repo) {
                return repos.test(repo);
            }
        };
    }

    /** Tags matching the glob {@code tags} in repositories matching the glob {@code repositories}. */
    static ImmutableTags matching(String repositories, String tags) {
        return matching("repositories " + repositories + ", tags " + tags, List.of(repositories), List.of(tags));
    }

    /** The first rule of {@code rules} that applies. */
    static ImmutableTags firstOf(List<ImmutableTags> rules) {
        List<ImmutableTags> all = List.copyOf(rules);
        return new ImmutableTags() {
            @Override
            public Optional<String> rule(Repository repo, Tag tag) {
                for (ImmutableTags r : all) {
                    Optional<String> found = r.rule(repo, tag);
                    if (found.isPresent()) {
                        return found;
                    }
                }
                return Optional.empty();
            }

            @Override
            public boolean mayApply(Repository repo) {
                return all.stream().anyMatch(r -> r.mayApply(repo));
            }
        };
    }
}
