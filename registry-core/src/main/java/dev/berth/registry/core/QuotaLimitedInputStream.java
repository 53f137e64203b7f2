// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongFunction;

/**
 * A body of undeclared length cut off where a quota's room ends: the refusal comes as the
 * bytes arrive, not after all of them were stored.
 */
final class QuotaLimitedInputStream extends FilterInputStream {
    private final long room;
    private final LongFunction<RegistryException> refusal;
    private long read;

    /** @param refusal the error for a body that reached {@code room} bytes and had more */
    QuotaLimitedInputStream(InputStream in, long room, LongFunction<RegistryException> refusal) {
        super(in);
        this.room = room;
        this.refusal = refusal;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (read >= room) { // full: one byte more past the room is a refusal, the end is not
            int next = in.read();
            if (next < 0) {
                return -1;
            }
            throw refusal.apply(read + 1);
        }
        int n = in.read(b, off, (int) Math.min(len, room - read));
        if (n > 0) {
            read += n;
        }
        return n;
    }
}
