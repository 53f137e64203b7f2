// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Repository;
import java.io.IOException;
import java.time.Instant;

/** Stores upload sessions, so a durable backend can resume them after a restart. */
public interface UploadHandler {
    /**
     * uploads-1: opens an empty session with the given id (core generates unguessable ids). An
     * id that names an open session fails with an {@link IOException} (not a
     * {@link NotFoundException}) and leaves that session as it was.
     */
    Upload create(Repository repo, String id) throws IOException;

    /** uploads-2: an open session; unknown, committed or cancelled throws {@link NotFoundException}. */
    Upload open(String id) throws IOException;

    /**
     * uploads-3: cancels every session whose last activity is before {@code cutoff} and returns
     * how many.
     */
    int expire(Instant cutoff) throws IOException;
}
