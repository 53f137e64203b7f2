// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * What a pull-through cache shares between the nodes of one storage: when each cached tag was last
 * found current upstream (so one node's check spares the others theirs), and who is fetching a
 * blob (so a second node waits for it instead of fetching it again). Both are hints: losing one
 * costs an upstream request, never a wrong answer, so neither need be durable across a crash.
 */
public interface MirrorStateHandler {
    /**
     * mirror-check-1: {@link #lastCheck} then gives {@code at}, or a later time recorded since;
     * recording an earlier time than one recorded before changes nothing. mirror-check-2: per
     * repository and tag.
     */
    void recordCheck(Repository repo, Tag tag, Instant at) throws IOException;

    /** mirror-check-3: the latest recorded check of {@code tag} in {@code repo}, to the millisecond; empty when none. */
    Optional<Instant> lastCheck(Repository repo, Tag tag) throws IOException;

    /**
     * mirror-lease-1: gives {@code holder} the fetch of {@code digest} for {@code repo} until
     * {@code until} and returns true when no lease on it is held, the lease held has expired by
     * {@code now}, or {@code holder} holds it (which extends it); otherwise changes nothing and
     * returns false. mirror-lease-2: atomic: of concurrent calls by different holders for one
     * digest, at most one returns true while its lease lasts, on every node sharing the storage.
     */
    boolean lease(Repository repo, Digest digest, String holder, Instant now, Instant until) throws IOException;

    /** mirror-lease-3: ends {@code holder}'s lease on {@code digest}, so anyone may take it; another holder's lease is left. */
    void release(Repository repo, Digest digest, String holder) throws IOException;
}
