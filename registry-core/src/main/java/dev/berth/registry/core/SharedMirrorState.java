// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.MirrorStateHandler;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The pull-through cache's state as the nodes of one storage share it, when the storage offers
 * a {@link MirrorStateHandler}. It only ever saves upstream requests: when the storage has no
 * such handler or a call fails, each node goes on as if it were alone.
 */
final class SharedMirrorState {
    private final Optional<MirrorStateHandler> handler;
    private final Logger logger;
    private final String node = UUID.randomUUID().toString();

    SharedMirrorState(Optional<MirrorStateHandler> handler, Logger logger) {
        this.handler = handler;
        this.logger = logger;
    }

    /** When some node last found {@code tag} current upstream. */
    Optional<Instant> lastCheck(Repository repo, Tag tag) {
        if (handler.isEmpty()) {
            return Optional.empty();
        }
        try {
            return handler.get().lastCheck(repo, tag);
        } catch (IOException | RuntimeException e) {
            warn("read when " + repo + ":" + tag + " was checked", e);
            return Optional.empty();
        }
    }

    void recordCheck(Repository repo, Tag tag, Instant at) {
        if (handler.isPresent()) {
            try {
                handler.get().recordCheck(repo, tag, at);
            } catch (IOException | RuntimeException e) {
                warn("record that " + repo + ":" + tag + " was checked", e);
            }
        }
    }

    /** Whether another node holds the fetch of {@code digest}: false when this node may fetch it, and then holds it. */
    boolean fetchedElsewhere(Repository repo, Digest digest, Duration lease) {
        if (handler.isEmpty()) {
            return false;
        }
        Instant now = Instant.now();
        try {
            return !handler.get().lease(repo, digest, node, now, now.plus(lease));
        } catch (IOException | RuntimeException e) {
            warn("lease the fetch of " + digest, e);
            return false; // fetching twice beats not fetching
        }
    }

    void release(Repository repo, Digest digest) {
        if (handler.isPresent()) {
            try {
                handler.get().release(repo, digest, node);
            } catch (IOException | RuntimeException e) {
                warn("release the fetch of " + digest, e); // it expires
            }
        }
    }

    boolean isShared() {
        return handler.isPresent();
    }

    private void warn(String what, Exception e) {
        logger.log(Logger.Level.WARNING, "mirror: could not " + what + " in the shared cache state: " + e.getMessage());
    }
}
