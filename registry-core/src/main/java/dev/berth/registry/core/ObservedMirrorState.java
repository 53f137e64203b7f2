// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.MirrorStateHandler;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/** A mirror-state handler whose every call the observer sees. */
record ObservedMirrorState(MirrorStateHandler target, ObservedCalls calls) implements MirrorStateHandler {
    @Override
    public void recordCheck(Repository repo, Tag tag, Instant at) throws IOException {
        calls.run("MirrorStateHandler.recordCheck", () -> target.recordCheck(repo, tag, at));
    }

    @Override
    public Optional<Instant> lastCheck(Repository repo, Tag tag) throws IOException {
        return calls.time("MirrorStateHandler.lastCheck", () -> target.lastCheck(repo, tag));
    }

    @Override
    public boolean lease(Repository repo, Digest digest, String holder, Instant now, Instant until) throws IOException {
        return calls.time("MirrorStateHandler.lease", () -> target.lease(repo, digest, holder, now, until));
    }

    @Override
    public void release(Repository repo, Digest digest, String holder) throws IOException {
        calls.run("MirrorStateHandler.release", () -> target.release(repo, digest, holder));
    }
}
