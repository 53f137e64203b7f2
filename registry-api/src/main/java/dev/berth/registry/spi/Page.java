// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import java.util.List;

/**
 * One page of an ordered listing.
 *
 * @param more whether items follow the last one of this page
 */
public record Page<T>(List<T> items, boolean more) {
    public Page {
        items = List.copyOf(items);
    }

    /** Cuts a full, sorted list to the items after {@code after}-filtering, at most {@code limit}. */
    public static <T> Page<T> of(List<T> sortedAfter, int limit) {
        if (sortedAfter.size() <= limit) {
            return new Page<>(sortedAfter, false);
        }
        return new Page<>(sortedAfter.subList(0, limit), true);
    }
}
