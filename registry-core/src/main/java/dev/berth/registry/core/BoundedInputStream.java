// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.spi.SizeMismatchException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads exactly {@code length} bytes: fewer is an error, more is never read. */
final class BoundedInputStream extends FilterInputStream {
    private long remaining;

    BoundedInputStream(InputStream in, long length) {
        super(in);
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new SizeMismatchException("body ended " + remaining + " bytes before the end of its Content-Range");
        }
        remaining -= n;
        return n;
    }
}
