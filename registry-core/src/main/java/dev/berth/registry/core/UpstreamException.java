// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** An upstream did not give what was asked; {@link #kind} says whether a cached copy may stand in. */
final class UpstreamException extends IOException {
    private static final long serialVersionUID = 1L;

    enum Kind {
        /** 404: it does not have it. */
        NOT_FOUND,
        /** 429, or our own cap on requests to it. */
        RATE_LIMITED,
        /** 5xx, a timeout, a refused connection, an answer that is not what the protocol says. */
        UNAVAILABLE,
        /** 401 or 403 once logged in as configured (Docker Hub's answer for a repository that does not exist, too). */
        DENIED
    }

    final Kind kind;
    final transient Optional<Duration> retryAfter;

    UpstreamException(Kind kind, String message, Optional<Duration> retryAfter) {
        super(message);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    UpstreamException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.retryAfter = Optional.empty();
    }

    /** Whether a cached copy is served instead (stale on error): anything but the upstream saying it has no such thing. */
    boolean cachedCopyMayStandIn() {
        return kind != Kind.NOT_FOUND;
    }

    /** The answer for a client when no cached copy can stand in. */
    RegistryException toClient(ErrorCode notFound, String what) {
        return switch (kind) {
            case NOT_FOUND -> new RegistryException(notFound, what + " is unknown upstream: " + getMessage());
            case DENIED -> new RegistryException(notFound, what + " is unknown upstream or not open to this mirror: "
                    + getMessage());
            case RATE_LIMITED -> {
                RegistryException e = new RegistryException(ErrorCode.TOOMANYREQUESTS, 429, what
                        + " is not cached and the upstream limits requests: " + getMessage(), null);
                yield e.header("Retry-After", String.valueOf(Math.max(1, retryAfter.orElse(Duration.ofSeconds(1))
                        .toSeconds())));
            }
            case UNAVAILABLE -> new RegistryException(ErrorCode.UNKNOWN, 502, what
                    + " is not cached and the upstream failed: " + getMessage(), null);
        };
    }
}
