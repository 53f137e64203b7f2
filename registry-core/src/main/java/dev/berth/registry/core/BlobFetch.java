// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * One download of a blob from an upstream, shared by every client asking for it meanwhile: the
 * fetching thread appends verified bytes to a spool file, and each client tails that file at
 * its own pace, so a slow or vanished client neither slows nor aborts the download. Only bytes
 * the digest check let through reach the spool; with the size known, the last of them arrive
 * only once the digest matched. The storage commits after that, off the clients' path.
 */
final class BlobFetch {
    private final Path spool;
    private final FileChannel writer;
    private long visible;
    private long size = -2; // -2: headers not yet in; -1: upstream gave no length
    private boolean done;
    private IOException failure;
    private boolean spoolRemoved;

    BlobFetch(Path spool) throws IOException {
        this.spool = spool;
        this.writer = FileChannel.open(spool, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** The upstream answered; {@code length} is its Content-Length or -1. */
    synchronized void started(long length) {
        size = length;
        notifyAll();
    }

    /** Appends what the verifying stream let through and shows it to the readers. */
    void append(byte[] bytes, int off, int len) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, off, len);
        while (buffer.hasRemaining()) {
            writer.write(buffer);
        }
        synchronized (this) {
            visible += len;
            notifyAll();
        }
    }

    /** Every byte arrived and the digest matched: the readers may finish, while the storage commits. */
    synchronized void verified() {
        done = true;
        notifyAll();
    }

    synchronized boolean isVerified() {
        return done;
    }

    /** The download failed; the first failure is the one readers see, and none after the end. */
    synchronized void failed(IOException e) {
        if (!done && failure == null) {
            failure = e;
        }
        notifyAll();
    }

    /** The spool is no longer needed by new readers; open ones keep reading what they opened. */
    void removeSpool() {
        synchronized (this) {
            spoolRemoved = true;
        }
        try {
            writer.close();
            Files.deleteIfExists(spool);
        } catch (IOException ignored) {
            // a spool left behind is removed with the mirror's spool directory
        }
    }

    /** The size, once the upstream answered (or failed) within {@code wait}; -1 when it did not say. */
    synchronized long awaitSize(Duration wait) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (size == -2 && failure == null && !done) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "no answer within "
                        + wait.toSeconds() + " s", Optional.empty());
            }
            wait(Math.max(1, left / 1_000_000));
        }
        if (failure != null) { // the client is not at fault, whatever went wrong
            throw failure instanceof UpstreamException upstream ? upstream
                    : new UpstreamException(UpstreamException.Kind.UNAVAILABLE, failure.getMessage(), failure);
        }
        return size == -2 ? visible : size;
    }

    /** A reader of the download from its start, or empty when it finished and its spool is gone (read storage). */
    synchronized Optional<InputStream> reader() throws IOException {
        if (spoolRemoved) {
            return Optional.empty();
        }
        return Optional.of(new Tail(FileChannel.open(spool, StandardOpenOption.READ)));
    }

    private final class Tail extends InputStream {
        private final FileChannel channel;
        private long position;

        Tail(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            long available;
            synchronized (BlobFetch.this) {
                while (visible == position && !done && failure == null) {
                    try {
                        BlobFetch.this.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted waiting for the upstream");
                    }
                }
                if (failure != null) {
                    throw new IOException("the upstream download failed: " + failure.getMessage(), failure);
                }
                available = visible - position;
            }
            if (available == 0) {
                return -1; // done
            }
            int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, available)), position);
            if (n > 0) {
                position += n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
