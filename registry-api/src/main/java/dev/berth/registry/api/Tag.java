// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.api;

import java.util.Objects;
import java.util.regex.Pattern;

/** A tag: {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}} (spec: Pulling manifests). */
public record Tag(String value) implements Reference, Comparable<Tag> {
    private static final Pattern GRAMMAR = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    public Tag {
        Objects.requireNonNull(value, "tag");
        if (!GRAMMAR.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid tag (want [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}): "
                    + Digest.printable(value));
        }
    }

    public static Tag parse(String s) {
        return new Tag(s);
    }

    /**
     * The referrers tag schema: {@code <alg>-<hex>} truncated to 32 and 64 characters, with
     * characters a tag may not hold replaced by {@code -}.
     */
    public static Tag referrersTag(Digest subject) {
        String alg = truncate(subject.algorithm().id(), 32);
        String hex = truncate(subject.encoded(), 64);
        return new Tag((alg + "-" + hex).replaceAll("[^a-zA-Z0-9._-]", "-"));
    }

    private static String truncate(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }

    /** ASCIIbetical order, as Go's sort.Strings (tags/list). */
    @Override
    public int compareTo(Tag other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
