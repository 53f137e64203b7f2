// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What one upstream is spared: at most {@code maxConcurrent} requests in flight, at most
 * {@code maxRequestsPerSecond} started, and none while a {@code Retry-After} it sent runs.
 * A request that would wait past the upstream's timeout is refused as rate limited, so a
 * cached copy can be served instead.
 */
final class UpstreamBudget {
    private final Upstream upstream;
    private final Semaphore inFlight;
    private final long intervalNanos;
    private long nextStartNanos = System.nanoTime();
    private volatile long quietUntilMillis;

    UpstreamBudget(Upstream upstream) {
        this.upstream = upstream;
        this.inFlight = new Semaphore(upstream.maxConcurrent(), true);
        this.intervalNanos = upstream.maxRequestsPerSecond() > 0 ? (long) (1e9 / upstream.maxRequestsPerSecond()) : 0;
    }

    /** Takes a slot for one request; {@link #release} gives it back. */
    void acquire() throws UpstreamException {
        long quiet = quietUntilMillis - System.currentTimeMillis();
        if (quiet > 0) {
            throw new UpstreamException(UpstreamException.Kind.RATE_LIMITED, "upstream " + upstream.name()
                    + " asked for no requests for " + Duration.ofMillis(quiet).toSeconds() + " s more",
                    Optional.of(Duration.ofMillis(quiet)));
        }
        try {
            if (!inFlight.tryAcquire(upstream.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new UpstreamException(UpstreamException.Kind.RATE_LIMITED, upstream.maxConcurrent()
                        + " requests to upstream " + upstream.name() + " in flight for longer than its timeout",
                        Optional.of(Duration.ofSeconds(1)));
            }
            if (intervalNanos > 0) {
                pace();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "interrupted", e);
        }
    }

    private void pace() throws InterruptedException, UpstreamException {
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long start = Math.max(now, nextStartNanos);
            wait = start - now;
            if (wait > upstream.timeout().toNanos()) {
                inFlight.release();
                throw new UpstreamException(UpstreamException.Kind.RATE_LIMITED, "more than "
                        + upstream.maxRequestsPerSecond() + " requests per second to upstream " + upstream.name(),
                        Optional.of(Duration.ofNanos(wait)));
            }
            nextStartNanos = start + intervalNanos;
        }
        TimeUnit.NANOSECONDS.sleep(wait);
    }

    void release() {
        inFlight.release();
    }

    /** The upstream answered 429: no requests until {@code retryAfter} (RFC 9110 10.2.3) has passed. */
    void quiet(Duration retryAfter) {
        quietUntilMillis = Math.max(quietUntilMillis, System.currentTimeMillis() + retryAfter.toMillis());
    }

    /** A {@code Retry-After} of seconds or an HTTP date; one second when absent or unreadable. */
    static Duration retryAfter(Optional<String> header) {
        if (header.isEmpty()) {
            return Duration.ofSeconds(1);
        }
        String value = header.get().trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException e) {
            try {
                long at = java.time.ZonedDateTime.parse(value, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant().toEpochMilli();
                return Duration.ofMillis(Math.max(0, at - System.currentTimeMillis()));
            } catch (java.time.format.DateTimeParseException unreadable) {
                return Duration.ofSeconds(1);
            }
        }
    }
}
