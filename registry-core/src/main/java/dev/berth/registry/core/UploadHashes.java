// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.spi.VerifyingInputStream;
import dev.berth.registry.api.Digest;
import dev.berth.registry.spi.Upload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hash state of open upload sessions, kept in this process only (the JDK cannot export a
 * MessageDigest's state). It extends the hash while chunks stream in; when it is missing or out
 * of step with the stored bytes (a restart, another node, a failed chunk), the stored bytes are
 * hashed again at the end. Per-session locks serialise chunks of one session inside one request,
 * never across requests.
 */
final class UploadHashes {
    private record State(Digest.Algorithm algorithm, MessageDigest hash, long offset, Instant touched) {
    }

    /** A held session lock. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final ReentrantLock[] stripes = new ReentrantLock[256];

    UploadHashes() {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    Held hold(String id) {
        ReentrantLock lock = stripes[Math.floorMod(id.hashCode(), stripes.length)];
        lock.lock();
        return lock::unlock;
    }

    void start(String id, Digest.Algorithm algorithm) {
        states.put(id, new State(algorithm, algorithm.newMessageDigest(), 0, Instant.now()));
    }

    /** Appends {@code chunk} to the session at offset {@code before}; returns the new size. */
    long append(Upload upload, long before, InputStream chunk) throws IOException {
        State state = states.remove(upload.id());
        if (state == null || state.offset() != before) {
            return upload.append(chunk);
        }
        VerifyingInputStream hashing = VerifyingInputStream.hashingInto(chunk, state.hash());
        long after = upload.append(hashing);
        // re-arm only if the backend stored exactly what we hashed; otherwise re-hash at the end
        if (after == before + hashing.count()) {
            states.put(upload.id(), new State(state.algorithm(), state.hash(), after, Instant.now()));
        }
        return after;
    }

    /** The digest of the session's {@code size} bytes with {@code algorithm}. */
    Digest finish(Upload upload, long size, Digest.Algorithm algorithm) throws IOException {
        State state = states.remove(upload.id());
        if (state != null && state.offset() == size && state.algorithm() == algorithm) {
            return Digest.of(algorithm, state.hash());
        }
        MessageDigest hash = algorithm.newMessageDigest();
        try (InputStream in = new DigestInputStream(upload.read(), hash)) {
            long read = in.transferTo(OutputStream.nullOutputStream());
            if (read != size) {
                throw new IOException("upload " + upload.id() + " reads back " + read + " bytes but reports size " + size);
            }
        }
        return Digest.of(algorithm, hash);
    }

    void forget(String id) {
        states.remove(id);
    }

    void forgetIdleBefore(Instant cutoff) {
        states.values().removeIf(s -> s.touched().isBefore(cutoff));
    }
}
