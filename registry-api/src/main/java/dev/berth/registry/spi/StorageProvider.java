// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * A backend, found through {@link ServiceLoader}. Register an implementation with
 * {@code @AutoService(StorageProvider.class)}; constructors do nothing, {@link #open} does the work.
 */
public interface StorageProvider {
    /** The short name users select it by, e.g. {@code memory} or {@code disk}. */
    String name();

    /** Opens the backend with its settings; bad settings throw {@link IllegalArgumentException}. */
    Storage open(StorageConfig config) throws IOException;

    /** The provider called {@code name} on the context class loader's path. */
    static StorageProvider named(String name) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return named(name, loader != null ? loader : StorageProvider.class.getClassLoader());
    }

    /**
     * The provider called {@code name} visible to {@code loader}. An unknown name, two providers
     * of one name, or a provider that cannot be instantiated fail with a message listing the
     * names found.
     */
    static StorageProvider named(String name, ClassLoader loader) {
        Objects.requireNonNull(name, "name");
        List<StorageProvider> matches = new ArrayList<>();
        TreeSet<String> found = new TreeSet<>();
        List<String> broken = new ArrayList<>();
        ServiceLoader<StorageProvider> services = ServiceLoader.load(StorageProvider.class, loader);
        var iterator = services.iterator();
        while (true) {
            StorageProvider provider;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                provider = iterator.next();
            } catch (ServiceConfigurationError e) {
                broken.add(e.getMessage());
                continue;
            }
            found.add(provider.name());
            if (provider.name().equals(name)) {
                matches.add(provider);
            }
        }
        if (matches.size() == 1 && broken.isEmpty()) {
            return matches.get(0);
        }
        String brokenNote = broken.isEmpty() ? "" : "; broken providers: " + String.join("; ", broken);
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("no storage provider named \"" + name + "\"; found " + found + brokenNote);
        }
        if (matches.size() > 1) {
            List<String> classes = matches.stream().map(p -> p.getClass().getName()).toList();
            throw new IllegalArgumentException("storage provider name \"" + name + "\" is claimed by " + classes);
        }
        throw new IllegalArgumentException("storage provider \"" + name + "\" found, but" + brokenNote.substring(1));
    }
}
