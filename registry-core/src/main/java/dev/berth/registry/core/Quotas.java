// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import java.util.List;

/**
 * The byte quotas in force, which a host may change at run time (the server's reloaded policy
 * file). A blob push or mount that would take a repository past one of its quotas gets
 * {@code 403 DENIED} naming the quota, its use and its limit: when the upload starts if the
 * client declares a size, before each chunk is stored, and at the commit.
 */
@FunctionalInterface
public interface Quotas {
    /** No quota. */
    Quotas NONE = List::of;

    /** The quotas in force now. */
    List<Quota> current();

    /** Fixed quotas. */
    static Quotas of(Quota... quotas) {
        List<Quota> fixed = List.of(quotas);
        return () -> fixed;
    }
}
