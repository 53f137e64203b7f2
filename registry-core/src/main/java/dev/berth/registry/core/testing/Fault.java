// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test-only misbehaviour for client authors: added latency, a {@code 429 TOOMANYREQUESTS} with
 * {@code Retry-After}, a 5xx on the Nth matching request, a dropped connection, or a short read
 * of a blob. Install with {@link Registry.Builder#fault(Fault)}.
 *
 * <pre>{@code
 * Fault.on("end-2").repository("flaky/app").nth(3).status(503)
 * }</pre>
 */
public final class Fault {
    enum Kind { NONE, STATUS, DROP, SHORT_READ }

    private final Optional<String> route;
    private Optional<String> repository = Optional.empty();
    private Optional<String> method = Optional.empty();
    private long nth;
    private Duration latency = Duration.ZERO;
    private Kind kind = Kind.NONE;
    private int status;
    private Optional<Duration> retryAfter = Optional.empty();
    private long shortReadBytes;
    private final AtomicLong seen = new AtomicLong();

    private Fault(Optional<String> route) {
        this.route = route;
    }

    /**
     * Applies to requests matching the spec endpoint id ({@code end-2} blob GET and HEAD,
     * {@code end-7} manifest PUT, …; {@link #ROUTE_IDS} lists them). An unknown id is refused.
     */
    public static Fault on(String routeId) {
        Objects.requireNonNull(routeId, "routeId");
        if (!ROUTE_IDS.contains(routeId)) {
            throw new IllegalArgumentException("no route \"" + routeId + "\"; faults match the spec's endpoint ids: "
                    + String.join(", ", ROUTE_IDS));
        }
        return new Fault(Optional.of(routeId));
    }

    /**
     * The endpoint ids of the distribution spec's table (and {@code catalog}), with what they
     * serve: {@code end-1} GET /v2/, {@code end-2} GET/HEAD blob, {@code end-3} GET/HEAD manifest,
     * {@code end-4} POST upload, {@code end-5} PATCH, {@code end-6} PUT (commit), {@code end-7}
     * PUT manifest, {@code end-8} tags list, {@code end-9} DELETE manifest, {@code end-10} DELETE
     * blob, {@code end-12} referrers, {@code end-13} GET upload status, {@code end-14} DELETE upload.
     */
    public static final java.util.List<String> ROUTE_IDS = dev.berth.registry.core.Registry.routeIds();

    /** Applies to every request. */
    public static Fault onEveryRoute() {
        return new Fault(Optional.empty());
    }

    /** Only requests with this method ({@code GET} or {@code HEAD} for {@code end-2} and {@code end-3}). */
    public Fault method(String httpMethod) {
        String upper = Objects.requireNonNull(httpMethod, "httpMethod").toUpperCase(java.util.Locale.ROOT);
        if (!java.util.Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE").contains(upper)) {
            throw new IllegalArgumentException("not a method the registry serves: " + httpMethod);
        }
        this.method = Optional.of(upper);
        return this;
    }

    /** Only for this repository. */
    public Fault repository(String name) {
        this.repository = Optional.of(name);
        return this;
    }

    /** Only the Nth matching request (1-based); without it, every matching request. */
    public Fault nth(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("nth counts from 1: " + n);
        }
        this.nth = n;
        return this;
    }

    /** Waits this long before answering (combines with the other misbehaviours). */
    public Fault latency(Duration delay) {
        this.latency = Objects.requireNonNull(delay, "delay");
        return this;
    }

    /** Answers {@code 429 TOOMANYREQUESTS} with {@code Retry-After} in whole seconds. */
    public Fault tooManyRequests(Duration retryAfter) {
        this.kind = Kind.STATUS;
        this.status = 429;
        this.retryAfter = Optional.of(retryAfter);
        return this;
    }

    /** Answers this 5xx status with an OCI error body. */
    public Fault status(int serverError) {
        if (serverError < 500 || serverError > 599) {
            throw new IllegalArgumentException("status() injects server errors (5xx); use tooManyRequests for 429");
        }
        this.kind = Kind.STATUS;
        this.status = serverError;
        return this;
    }

    /** Closes the connection without any answer. */
    public Fault dropConnection() {
        this.kind = Kind.DROP;
        return this;
    }

    /** Serves a blob's headers (full Content-Length) but only its first {@code bytes}, then closes the connection. */
    public Fault shortRead(long bytes) {
        this.kind = Kind.SHORT_READ;
        this.shortReadBytes = bytes;
        return this;
    }

    /** Whether this request triggers the fault; counts matching requests. */
    boolean matches(String routeId, String httpMethod, Optional<String> repo) {
        if (route.isPresent() && !route.get().equals(routeId)) {
            return false;
        }
        if (method.isPresent() && !method.get().equals(httpMethod)) {
            return false;
        }
        if (repository.isPresent() && !repository.equals(repo)) {
            return false;
        }
        long count = seen.incrementAndGet();
        return nth == 0 || count == nth;
    }

    Duration latency() {
        return latency;
    }

    Kind kind() {
        return kind;
    }

    int status() {
        return status;
    }

    Optional<Duration> retryAfter() {
        return retryAfter;
    }

    long shortReadBytes() {
        return shortReadBytes;
    }
}
