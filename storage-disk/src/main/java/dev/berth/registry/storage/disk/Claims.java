// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.gc.CollectionHandler.Kind;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Items a collector has claimed (state COLLECTING), with the claim's token as the version. In
 * memory: one server owns a data directory, and a claim lost in a crash only means the item is
 * live again, which is always safe. Changed under the item's digest lock; read without it.
 */
final class Claims {
    record Key(Kind kind, Repository repo, Digest digest) {
    }

    private final Map<Key, Long> claimed = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();

    static Key blob(Repository repo, Digest digest) {
        return new Key(Kind.BLOB, repo, digest);
    }

    static Key manifest(Repository repo, Digest digest) {
        return new Key(Kind.MANIFEST, repo, digest);
    }

    /** Lock-free check for the hot paths: nearly always false. */
    boolean isClaimed(Key key) {
        return !claimed.isEmpty() && claimed.containsKey(key);
    }

    OptionalLong token(Key key) {
        Long token = claimed.get(key);
        return token == null ? OptionalLong.empty() : OptionalLong.of(token);
    }

    long claim(Key key) {
        long token = tokens.incrementAndGet();
        claimed.put(key, token);
        return token;
    }

    boolean holds(Key key, long token) {
        Long current = claimed.get(key);
        return current != null && current == token;
    }

    /** Ends any claim on {@code key}; returns whether there was one. */
    boolean clear(Key key) {
        return claimed.remove(key) != null;
    }

    boolean clear(Key key, long token) {
        return claimed.remove(key, token);
    }
}
