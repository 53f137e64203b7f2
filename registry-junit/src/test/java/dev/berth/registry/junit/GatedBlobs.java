// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.BlobStatHandler;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/**
 * An upstream's blobs, in memory, that hold every download after its first {@code openBytes}
 * until {@link #open}, or that flip a byte of every download: what a stalled or broken upstream sends.
 */
final class GatedBlobs implements BlobPutHandler, BlobStatHandler {
    private final BlobPutHandler memory = (BlobPutHandler) BlobHandlers.inMemory();
    private final long openBytes;
    private final CountDownLatch gate = new CountDownLatch(1);
    private boolean corrupt;

    GatedBlobs(long openBytes) {
        this.openBytes = openBytes;
    }

    GatedBlobs corrupting() {
        corrupt = true;
        return this;
    }

    void open() {
        gate.countDown();
    }

    @Override
    public void put(Repository repo, Digest digest, InputStream content) throws IOException {
        memory.put(repo, digest, content);
    }

    @Override
    public long stat(Repository repo, Digest digest) throws IOException {
        return ((BlobStatHandler) memory).stat(repo, digest);
    }

    @Override
    public InputStream get(Repository repo, Digest digest) throws IOException {
        return new FilterInputStream(memory.get(repo, digest)) {
            private long position;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (openBytes >= 0 && position >= openBytes) {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException();
                    }
                }
                int allowed = openBytes >= 0 && position < openBytes ? (int) Math.min(len, openBytes - position) : len;
                int n = super.read(b, off, allowed);
                if (corrupt && n > 0 && position == 0) {
                    b[off] ^= 1;
                }
                position += Math.max(n, 0);
                return n;
            }
        };
    }
}
