// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Capability of a {@link StorageProvider}: the settings its {@code open} reads. Opened through
 * {@link StorageProvider#open(Map)} (as the server and the JUnit extension do), a declared
 * provider refuses any other key and names the closest declared one, the way the server refuses
 * its own unknown options: {@code -s fsynk=true} fails with "did you mean sync-chunks?" instead
 * of starting without the setting. A provider without this capability gets every key unchecked.
 */
public interface DeclaredSettings {
    /** Each key {@code open} reads, in the order to list them, with what it does and its default. */
    Map<String, String> settings();

    /** Settings in the order given: key, description, key, description, … */
    static Map<String, String> of(String... keysAndDescriptions) {
        if (keysAndDescriptions.length % 2 != 0) {
            throw new IllegalArgumentException("want key, description pairs");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < keysAndDescriptions.length; i += 2) {
            if (settings.put(keysAndDescriptions[i], keysAndDescriptions[i + 1]) != null) {
                throw new IllegalArgumentException("setting " + keysAndDescriptions[i] + " declared twice");
            }
        }
        return Collections.unmodifiableMap(settings);
    }

    /** The key of {@code known} that {@code key} most likely misspells: fewer than 3 edits away. */
    static Optional<String> closest(String key, Collection<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), substitution);
            }
            prev = cur;
        }
        return prev[b.length()];
    }
}
