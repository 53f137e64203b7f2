// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** The one lookup of providers by name, and the check of their declared settings. */
final class Providers {
    private Providers() {
    }

    /**
     * The {@code type} provider called {@code name} visible to {@code loader}. An unknown name,
     * two providers of one name, or a provider that cannot be instantiated fail with a message
     * listing the names found; {@code kind} names the type in it ("storage provider").
     */
    static <T> T named(Class<T> type, Function<T, String> nameOf, String kind, String name, ClassLoader loader) {
        Objects.requireNonNull(name, "name");
        List<T> matches = new ArrayList<>();
        TreeSet<String> found = new TreeSet<>();
        List<String> broken = new ArrayList<>();
        var iterator = ServiceLoader.load(type, loader).iterator();
        while (true) {
            T provider;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                provider = iterator.next();
            } catch (ServiceConfigurationError e) {
                broken.add(e.getMessage());
                continue;
            }
            found.add(nameOf.apply(provider));
            if (nameOf.apply(provider).equals(name)) {
                matches.add(provider);
            }
        }
        if (matches.size() == 1 && broken.isEmpty()) {
            return matches.get(0);
        }
        String brokenNote = broken.isEmpty() ? "" : "; broken providers: " + String.join("; ", broken);
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("no " + kind + " named \"" + name + "\"; found " + found + brokenNote);
        }
        if (matches.size() > 1) {
            List<String> classes = matches.stream().map(p -> p.getClass().getName()).toList();
            throw new IllegalArgumentException(kind + " name \"" + name + "\" is claimed by " + classes);
        }
        throw new IllegalArgumentException(kind + " \"" + name + "\" found, but" + brokenNote.substring(1));
    }

    /**
     * {@code settings}, once checked against what {@code provider} declares, if it declares them;
     * {@code kind} names them in the message ("storage setting").
     */
    static StorageConfig checked(Object provider, String kind, String name, Map<String, String> settings) {
        if (provider instanceof DeclaredSettings declared) {
            Set<String> known = declared.settings().keySet();
            for (String key : new TreeSet<>(settings.keySet())) {
                if (!known.contains(key)) {
                    throw new IllegalArgumentException("unknown " + kind + " \"" + key + "\" for " + name
                            + DeclaredSettings.closest(key, known).map(k -> " (did you mean \"" + k + "\"?)").orElse("")
                            + "; " + name + " reads " + (known.isEmpty() ? "no settings" : String.join(", ", known)));
                }
            }
        }
        return StorageConfig.of(settings);
    }
}
