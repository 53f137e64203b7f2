// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.Page;
import java.io.IOException;
import java.util.Optional;

/** Walks a store's repositories a page at a time: the catalog, the collector and mounts use it. */
public final class Repositories {
    private Repositories() {
    }

    /**
     * What {@link #forEach} calls for each repository: false stops the walk. {@code X} is a
     * further checked exception the visitor may throw (inferred; none by default).
     */
    @FunctionalInterface
    public interface Visitor<X extends Exception> {
        boolean visit(Repository repo) throws IOException, X;
    }

    /**
     * Visits the repositories after {@code after} in order, reading
     * {@link ManifestHandler#repositories} a page of {@code pageSize} at a time, until they end or
     * the visitor returns false; returns whether it stopped early.
     */
    public static <X extends Exception> boolean forEach(ManifestHandler store, Optional<Repository> after, int pageSize,
                                                        Visitor<X> visitor) throws IOException, X {
        Optional<Repository> last = after;
        while (true) {
            Page<Repository> page = store.repositories(last, pageSize);
            for (Repository repo : page.items()) {
                if (!visitor.visit(repo)) {
                    return true;
                }
            }
            if (!page.more() || page.items().isEmpty()) {
                return false;
            }
            last = Optional.of(page.items().get(page.items().size() - 1));
        }
    }
}
