// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.memory;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.MirrorStateHandler;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Mirror state on the heap: shared by every registry in this JVM that opened this one storage. */
final class MemoryMirrorState implements MirrorStateHandler {
    private record CheckKey(Repository repo, Tag tag) {
    }

    private record LeaseKey(Repository repo, Digest digest) {
    }

    private record Lease(String holder, Instant until) {
    }

    private final Map<CheckKey, Instant> checks = new ConcurrentHashMap<>();
    private final Map<LeaseKey, Lease> leases = new ConcurrentHashMap<>();

    @Override
    public void recordCheck(Repository repo, Tag tag, Instant at) {
        checks.merge(new CheckKey(repo, tag), at, (was, now) -> now.isAfter(was) ? now : was);
    }

    @Override
    public Optional<Instant> lastCheck(Repository repo, Tag tag) {
        return Optional.ofNullable(checks.get(new CheckKey(repo, tag)));
    }

    @Override
    public boolean lease(Repository repo, Digest digest, String holder, Instant now, Instant until) {
        Lease mine = new Lease(holder, until);
        Lease after = leases.compute(new LeaseKey(repo, digest), (key, held) ->
                held == null || held.holder().equals(holder) || !held.until().isAfter(now) ? mine : held);
        return after == mine;
    }

    @Override
    public void release(Repository repo, Digest digest, String holder) {
        leases.computeIfPresent(new LeaseKey(repo, digest), (key, held) -> held.holder().equals(holder) ? null : held);
    }
}
