// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Repository;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.function.Predicate;

/** Globs over names: {@code *} within a name component, {@code **} across them, as path globs. */
final class Globs {
    private Globs() {
    }

    private static final java.util.Map<String, PathMatcher> COMPILED = new java.util.concurrent.ConcurrentHashMap<>();

    /** The compiled glob (cached: configured globs are few and matched often). */
    static PathMatcher glob(String glob) {
        PathMatcher compiled = COMPILED.get(glob);
        if (compiled != null) {
            return compiled;
        }
        compiled = compile(glob);
        COMPILED.put(glob, compiled);
        return compiled;
    }

    private static PathMatcher compile(String glob) {
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a glob: \"" + glob + "\": "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    static Predicate<Repository> matcher(String glob) {
        PathMatcher m = glob(glob);
        return repo -> m.matches(Path.of(repo.name()));
    }
}
