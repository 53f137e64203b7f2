// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

/** An open blob upload session (spec: pushing a blob in chunks). */
public interface Upload {
    /** The session id core chose: unguessable, URL-safe. */
    String id();

    /** The repository the session was opened for; it is bound to it. */
    Repository repository();

    /** upload-1: bytes received so far; the next chunk starts at this offset. */
    long size() throws IOException;

    /** When a chunk last arrived (or the session started): what expiry is measured from. */
    Instant lastActivity() throws IOException;

    /**
     * upload-2: appends {@code chunk} read to end-of-stream and returns the new size. If reading
     * fails, the bytes already appended may stay (they are still the blob's bytes in order) and
     * {@link #size()} tells the truth afterwards.
     */
    long append(InputStream chunk) throws IOException;

    /** upload-3: the bytes received so far, from the start (to re-hash after a restart). */
    InputStream read() throws IOException;

    /**
     * upload-4: makes the received bytes the blob {@code digest} of {@link #repository()} and
     * ends the session. Core has verified that the bytes hash to {@code digest}. Durable on
     * return; concurrent commits of the same digest all succeed and store it once.
     */
    void commit(Digest digest) throws IOException;

    /**
     * upload-5: ends the session and discards its bytes. Cancelling a session that has already
     * ended (cancelled, committed or expired) does nothing: a committed blob stays.
     */
    void cancel() throws IOException;
}
