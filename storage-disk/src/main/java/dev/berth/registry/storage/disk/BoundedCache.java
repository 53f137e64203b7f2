// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * What the files say, kept in memory up to a weight: past it the cache starts over empty, and
 * every miss reads the files again. Crude but safe, and any number of names, hot or probed,
 * costs bounded memory. Callers change an entry only under the lock that guards its file.
 */
final class BoundedCache<K, V> {
    private final ConcurrentHashMap<K, V> entries = new ConcurrentHashMap<>();
    private final long maxWeight;
    private final ToLongFunction<V> weight;
    /** The weight held, approximately (a put racing a clear may be miscounted). */
    private final AtomicLong held = new AtomicLong();

    BoundedCache(long maxWeight, ToLongFunction<V> weight) {
        this.maxWeight = maxWeight;
        this.weight = weight;
    }

    /** The cached value, or null: a miss creates nothing. */
    V get(K key) {
        return entries.get(key);
    }

    boolean contains(K key) {
        return entries.containsKey(key);
    }

    void put(K key, V value) {
        long weighs = weight.applyAsLong(value);
        if (weighs > maxWeight) {
            remove(key); // never worth emptying the cache for: read from the files each time
            return;
        }
        V old = entries.put(key, value);
        if (held.addAndGet(weighs - (old == null ? 0 : weight.applyAsLong(old))) > maxWeight) {
            entries.clear();
            entries.put(key, value);
            held.set(weighs);
        }
    }

    void remove(K key) {
        V old = entries.remove(key);
        if (old != null) {
            held.addAndGet(-weight.applyAsLong(old));
        }
    }

    /** Entries held now (for tests of the bound). */
    int size() {
        return entries.size();
    }
}
