// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A repository name: {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*}
 * (spec: Pulling manifests), at most {@link #MAX_LENGTH} characters. Because every component
 * starts and ends with {@code [a-z0-9]}, a valid name never holds {@code ..}, an empty
 * component or a leading {@code _}: backends may use it as a relative path.
 */
public record Repository(String name) implements Comparable<Repository> {
    /** Clients limit host + "/" + name to 255; we allow the name alone that much. */
    public static final int MAX_LENGTH = 255;

    private static final String COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
    private static final Pattern GRAMMAR = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");

    public Repository {
        Objects.requireNonNull(name, "name");
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("repository name longer than " + MAX_LENGTH + " characters");
        }
        if (!GRAMMAR.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid repository name (want lowercase components "
                    + "[a-z0-9] joined by . _ __ - and /): " + Digest.printable(name));
        }
    }

    public static Repository parse(String s) {
        return new Repository(s);
    }

    /** ASCIIbetical order (catalog). */
    @Override
    public int compareTo(Repository other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
