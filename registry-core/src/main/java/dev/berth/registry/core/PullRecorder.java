// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Records manifest pulls by tag for retention, writing a tag's pull at most once per
 * {@link #RESOLUTION} per server: a recorded time is at most that much older than the last pull,
 * and retention allows for it, so what is not written errs towards keeping. The tags written
 * lately are remembered up to a bound; a forgotten one is written again at its next pull.
 */
final class PullRecorder {
    /** How stale a recorded pull may be. */
    static final Duration RESOLUTION = Duration.ofHours(1);
    private static final int REMEMBERED = 100_000;

    private record Key(Repository repo, Tag tag) {
    }

    private final Optional<StorageView.PullTimes> store;
    private final Clock clock = Clock.systemUTC();
    private final Logger logger;
    private final Map<Key, Long> written = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Long> eldest) {
            return size() > REMEMBERED;
        }
    };

    PullRecorder(Optional<StorageView.PullTimes> store, Logger logger) {
        this.store = store;
        this.logger = logger;
    }

    /** {@code tag} of {@code repo} was just pulled. */
    void pulled(Repository repo, Tag tag) {
        if (store.isEmpty()) {
            return;
        }
        long now = clock.millis();
        Key key = new Key(repo, tag);
        synchronized (written) {
            Long last = written.get(key);
            if (last != null && now - last < RESOLUTION.toMillis()) {
                return;
            }
            written.put(key, now); // one writer per tag and hour, even when many pull at once
        }
        try {
            store.get().record(repo, tag, java.time.Instant.ofEpochMilli(now));
        } catch (IOException | RuntimeException e) {
            synchronized (written) {
                written.remove(key); // written again at the next pull
            }
            logger.log(Logger.Level.WARNING, "could not record a pull of " + repo + ":" + tag + ": " + e.getMessage());
        }
    }
}
