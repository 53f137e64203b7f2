// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

final class Streams {
    /** How much is written before a background flush starts: disk writes overlap receiving and hashing. */
    private static final long FLUSH_EVERY = 16L * 1024 * 1024;

    private Streams() {
    }

    /**
     * Copies to end-of-stream and makes the bytes durable (fdatasync) before returning, also when
     * reading fails midway. Large copies are flushed in the background as they go, so the final
     * flush only has the tail left.
     */
    static long copyDurably(InputStream in, FileChannel out, ExecutorService flusher) throws IOException {
        return copy(in, out, flusher, true);
    }

    /**
     * Copies to end-of-stream, flushing large copies in the background as they go (so a later
     * fdatasync has little left to do); with {@code durable}, fdatasyncs before returning, also
     * when reading fails midway.
     */
    static long copy(InputStream in, FileChannel out, ExecutorService flusher, boolean durable) throws IOException {
        byte[] buffer = new byte[256 * 1024];
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        long total = 0;
        long sinceFlush = 0;
        Future<?> flushing = null;
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                wrapped.clear().limit(n);
                while (wrapped.hasRemaining()) {
                    out.write(wrapped);
                }
                total += n;
                sinceFlush += n;
                if (sinceFlush >= FLUSH_EVERY && (flushing == null || flushing.isDone())) {
                    await(flushing);
                    flushing = flusher.submit(() -> {
                        out.force(false);
                        return null;
                    });
                    sinceFlush = 0;
                }
            }
        } finally {
            await(flushing);
            if (durable) {
                out.force(false);
            }
        }
        return total;
    }

    private static void await(Future<?> flushing) throws IOException {
        if (flushing == null) {
            return;
        }
        try {
            flushing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while flushing");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }
}
