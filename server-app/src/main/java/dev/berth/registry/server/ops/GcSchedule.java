// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.ops;

import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Registry;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** When the server's collection passes run: every {@code --gc-interval}, inside {@code --gc-window} if given. */
public final class GcSchedule {
    private static final Logger LOG = System.getLogger("dev.berth.registry.gc");

    private GcSchedule() {
    }

    /**
     * A daily time window in which scheduled passes may start, e.g. 01:00–05:00; {@code from}
     * after {@code to} spans midnight.
     */
    public record Window(LocalTime from, LocalTime to, ZoneId zone) {
        public Window {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(zone, "zone");
        }

        /** Parses {@code HH:MM-HH:MM} in the given zone. */
        public static Window parse(String text, ZoneId zone) {
            String[] parts = text.split("-", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("a window is HH:MM-HH:MM, not " + text);
            }
            return new Window(LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim()), zone);
        }

        public boolean contains(Instant instant) {
            LocalTime t = instant.atZone(zone).toLocalTime();
            if (from.equals(to)) {
                return true; // all day
            }
            return from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
        }
    }

    /** Runs {@code collector.collect(false)} every {@code interval} (inside {@code window} if given) until closed. */
    public static Closeable start(Collector collector, Registry registry, Duration interval, Optional<Window> window,
                                  Clock clock) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "berth-gc");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            if (window.isPresent() && !window.get().contains(clock.instant())) {
                return;
            }
            if (registry.isReadOnly()) {
                LOG.log(Level.DEBUG, "gc: skipped, the registry is in read-only mode");
                return;
            }
            try {
                collector.collect(false);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.ERROR, "gc: pass failed; the next one retries", e);
            }
        }, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
        return timer::shutdownNow;
    }
}
