// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.storage.s3.Bucket.Entry;
import dev.berth.registry.storage.s3.Bucket.Stored;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Records as a listing names them (blob links, manifest records), read once per version: a
 * record is cached under its key and the ETag the listing gives, so a listing of unchanged
 * records reads none of them again (a collection pass, a quota measurement). A changed record
 * has another ETag and is read; the cache is bounded, least recently used first out.
 */
final class ListedRecords<R, T> {
    private record Version<T>(String etag, T record) {
    }

    private final Bucket bucket;
    private final Class<R> type;
    private final Function<R, T> kept;
    private final Map<String, Version<T>> cache;

    /** Reads records of {@code type}, keeping {@code kept} of each (what the callers need, no larger) for at most {@code cached} keys. */
    ListedRecords(Bucket bucket, Class<R> type, Function<R, T> kept, int cached) {
        this.bucket = bucket;
        this.type = type;
        this.kept = kept;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Version<T>> eldest) {
                return size() > cached;
            }
        };
    }

    /** The record {@code entry} lists; empty if it went (or became a tombstone) since the listing. */
    Optional<T> read(Entry entry) throws IOException {
        if (entry.etag() != null) {
            synchronized (cache) {
                Version<T> cached = cache.get(entry.key());
                if (cached != null && cached.etag().equals(entry.etag())) {
                    return Optional.of(cached.record());
                }
            }
        }
        Optional<Stored> stored = bucket.readLive(entry.key());
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        T record = kept.apply(Records.read(stored.get().body(), type, entry.key()));
        synchronized (cache) {
            cache.put(entry.key(), new Version<>(stored.get().etag(), record)); // the version read, listed or newer
        }
        return Optional.of(record);
    }
}
