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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Records manifest pulls by tag for retention, writing a tag's pull at most once per
 * {@link #RESOLUTION} per server: a recorded time is at most that much older than the last pull,
 * and retention allows for it, so what is not written errs towards keeping. The tags written
 * lately are remembered up to a bound; a forgotten one is written again at its next pull.
 *
 * <p>Writes leave the request for one background thread: a durable write costs fsyncs, and on a
 * large registry most pulls by tag are the first of their hour. When {@link #QUEUED} writes
 * wait, the next is done in the request instead, so none is dropped; a collection pass
 * {@link #flush flushes} them before it reads pull times, and a stopping server {@link #close
 * closes} the recorder, which writes what waits before the storage closes.
 */
final class PullRecorder {
    /** How stale a recorded pull may be. */
    static final Duration RESOLUTION = Duration.ofHours(1);
    private static final int REMEMBERED = 100_000;
    static final int QUEUED = 10_000;

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

    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(0, 1, 5, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED), PullRecorder::daemon, (task, executor) -> task.run()); // in the request when full or closed
    private final Object drained = new Object();
    private int pending; // guarded by drained

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
        synchronized (drained) {
            pending++;
        }
        writer.execute(() -> write(key, now));
    }

    /** Waits until every pull recorded so far is written (or failed), at most {@code timeout}. */
    void flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drained) {
            for (long left = timeout.toNanos(); pending > 0 && left > 0; left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(drained, left);
            }
        }
    }

    /** Writes what waits, at most {@code timeout}; pulls recorded after this are written in the request. */
    void close(Duration timeout) {
        writer.shutdown();
        try {
            flush(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (drained) {
            if (pending > 0) {
                logger.log(Logger.Level.WARNING, pending + " pull times were not written before the server stopped");
            }
        }
    }

    private void write(Key key, long at) {
        try {
            store.get().record(key.repo(), key.tag(), java.time.Instant.ofEpochMilli(at));
        } catch (IOException | RuntimeException e) {
            synchronized (written) {
                written.remove(key); // written again at the next pull
            }
            logger.log(Logger.Level.WARNING, "could not record a pull of " + key.repo() + ":" + key.tag() + ": "
                    + e.getMessage());
        } finally {
            synchronized (drained) {
                if (--pending == 0) {
                    drained.notifyAll();
                }
            }
        }
    }

    private static Thread daemon(Runnable task) {
        Thread thread = new Thread(task, "berth-pull-recorder");
        thread.setDaemon(true);
        return thread;
    }
}
