// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.storage.s3.Bucket.Entry;
import dev.berth.registry.storage.s3.Bucket.Stored;
import dev.berth.registry.storage.s3.Records.Link;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Link records as a listing names them, read once per version: a record is cached under its
 * key and the ETag the listing gives, so a listing of unchanged links reads none of them again
 * (a collection pass, a quota measurement). A changed record has another ETag and is read; the
 * cache is bounded, least recently used first out.
 */
final class LinkRecords {
    private static final int CACHED = 200_000;

    private record Version(String etag, Link link) {
    }

    private final Bucket bucket;
    private final Map<String, Version> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Version> eldest) {
            return size() > CACHED;
        }
    };

    LinkRecords(Bucket bucket) {
        this.bucket = bucket;
    }

    /** The record {@code entry} lists; empty if it went (or became a tombstone) since the listing. */
    Optional<Link> read(Entry entry) throws IOException {
        if (entry.etag() != null) {
            synchronized (cache) {
                Version cached = cache.get(entry.key());
                if (cached != null && cached.etag().equals(entry.etag())) {
                    return Optional.of(cached.link());
                }
            }
        }
        Optional<Stored> stored = bucket.readLive(entry.key());
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        Link link = Records.read(stored.get().body(), Link.class, entry.key());
        synchronized (cache) {
            cache.put(entry.key(), new Version(stored.get().etag(), link)); // the version read, listed or newer
        }
        return Optional.of(link);
    }
}
