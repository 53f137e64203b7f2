// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Feeds every byte read into a hash and counts them. */
final class HashingInputStream extends FilterInputStream {
    private final MessageDigest hash;
    private long count;

    HashingInputStream(InputStream in, MessageDigest hash) {
        super(in);
        this.hash = hash;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            hash.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("a hashing stream cannot skip");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    long count() {
        return count;
    }
}
