// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Repository;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A limit on the bytes of the blobs linked in repositories: a blob counts in every repository it
 * is linked into (pushed or mounted), once per repository however many manifests use it;
 * manifests themselves are not counted.
 *
 * @param name     how refusals and reports name the quota
 * @param maxBytes the limit
 * @param shared   false: each covered repository has the limit of its own; true: the covered
 *                 repositories share it (a namespace's quota)
 * @param covers   which repositories the quota applies to
 */
public record Quota(String name, long maxBytes, boolean shared, Predicate<Repository> covers) {
    public Quota {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(covers, "covers");
        if (maxBytes < 0) {
            throw new IllegalArgumentException("quota " + name + " has a negative limit: " + maxBytes);
        }
    }

    /** Each repository matching {@code glob} (as {@link ImmutableTags#matching}) may hold {@code maxBytes}. */
    public static Quota perRepository(String name, String glob, long maxBytes) {
        return new Quota(name, maxBytes, false, Globs.repositories(List.of(glob)));
    }

    /** The repositories matching {@code glob} hold at most {@code maxBytes} together. */
    public static Quota shared(String name, String glob, long maxBytes) {
        return new Quota(name, maxBytes, true, Globs.repositories(List.of(glob)));
    }

    /**
     * What one subject of a quota uses: a repository, or (shared) all the repositories it covers.
     *
     * @param repository empty for a shared quota
     */
    public record Use(String quota, java.util.Optional<String> repository, long usedBytes, long maxBytes) {
    }

    /** {@code bytes} as people read them: 1.5 GiB, 300 KiB, 12 B. */
    public static String readable(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
