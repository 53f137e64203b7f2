// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import java.io.IOException;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * A backend, found through {@link ServiceLoader}. Register an implementation with
 * {@code @AutoService(StorageProvider.class)}; constructors do nothing, {@link #open} does the work.
 */
public interface StorageProvider {
    /** The short name users select it by, e.g. {@code memory} or {@code disk}. */
    String name();

    /** Opens the backend with its settings; bad settings throw {@link IllegalArgumentException}. */
    Storage open(StorageConfig config) throws IOException;

    /**
     * Opens the backend with {@code settings}; a provider that is {@link DeclaredSettings} refuses
     * a key it does not declare, naming the closest one it does.
     */
    default Storage open(Map<String, String> settings) throws IOException {
        return open(Providers.checked(this, "storage setting", name(), settings));
    }

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
        return Providers.named(StorageProvider.class, StorageProvider::name, "storage provider", name, loader);
    }
}
