// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Hands what its reader (the storage's put) takes from a verified upstream body to the {@link BlobFetch}'s spool too. */
final class SpoolingStream extends FilterInputStream {
    private final BlobFetch fetch;

    SpoolingStream(InputStream verified, BlobFetch fetch) {
        super(verified);
        this.fetch = fetch;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            fetch.append(b, off, n);
        } else if (n < 0) {
            fetch.verified(); // -1 comes only after the digest matched
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("a mirrored blob is read whole, never skipped");
    }
}
