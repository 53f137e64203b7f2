// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Globs over repository and tag names, as every rule in Berth writes them: {@code *} within a
 * name component, {@code **} across them, {@code ?}, {@code [0-9]} and {@code {a,b}} as in
 * {@link java.nio.file.FileSystem#getPathMatcher}. Compiled once per glob.
 */
public final class Globs {
    private static final Map<String, PathMatcher> COMPILED = new ConcurrentHashMap<>();

    private Globs() {
    }

    /** The repositories matching any of {@code globs}; a bad glob is refused here, naming it. */
    public static Predicate<Repository> repositories(List<String> globs) {
        List<PathMatcher> matchers = globs.stream().map(Globs::glob).toList();
        return repo -> {
            Path name = Path.of(repo.name());
            return matchers.stream().anyMatch(m -> m.matches(name));
        };
    }

    /** The tags matching any of {@code globs}; a bad glob is refused here, naming it. */
    public static Predicate<Tag> tags(List<String> globs) {
        List<PathMatcher> matchers = globs.stream().map(Globs::glob).toList();
        return tag -> {
            Path name = Path.of(tag.value());
            return matchers.stream().anyMatch(m -> m.matches(name));
        };
    }

    static PathMatcher glob(String glob) {
        return COMPILED.computeIfAbsent(glob, Globs::compile);
    }

    private static PathMatcher compile(String glob) {
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a glob: \"" + glob + "\": "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }
}
