// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.function.Consumer;

/**
 * Hashes a blob file as it is served and checks it before handing out the last bytes: a file
 * that does not match its digest ends in an I/O error, so the client never receives it whole.
 * Skipping (range requests) turns checking off for this read.
 */
final class VerifyOnReadStream extends FilterInputStream {
    private final Digest digest;
    private final long size;
    private final MessageDigest hash;
    private final Consumer<Boolean> outcome;
    private long count;
    private boolean checking = true;

    VerifyOnReadStream(InputStream in, Digest digest, long size, Consumer<Boolean> outcome) {
        super(in);
        this.digest = digest;
        this.size = size;
        this.hash = digest.algorithm().newMessageDigest();
        this.outcome = outcome;
        if (size == 0) {
            check();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (!checking) {
            return n;
        }
        if (n < 0) {
            if (count < size) {
                fail("is " + count + " bytes long, expected " + size);
            }
            return n;
        }
        hash.update(b, off, n);
        count += n;
        if (count >= size) {
            check();
        }
        return n;
    }

    private void check() {
        checking = false;
        Digest actual = Digest.of(digest.algorithm(), hash);
        if (count != size || !actual.equals(digest)) {
            outcome.accept(false);
            throw new CorruptBlobException("stored blob " + digest + " hashes to " + actual + ": it is corrupt "
                    + "(bit rot or tampering) and was quarantined; push it again");
        }
        outcome.accept(true);
    }

    private void fail(String what) throws IOException {
        checking = false;
        outcome.accept(false);
        throw new CorruptBlobException("stored blob " + digest + " " + what + ": it is corrupt and was quarantined");
    }

    @Override
    public long skip(long n) throws IOException {
        checking &= n <= 0;
        return in.skip(n);
    }

    @Override
    public void skipNBytes(long n) throws IOException {
        checking &= n <= 0;
        super.skipNBytes(n);
    }

    /** Unchecked so that it can leave {@link #check()}; surfaces as an I/O failure of the read. */
    static final class CorruptBlobException extends java.io.UncheckedIOException {
        CorruptBlobException(String message) {
            super(message, new IOException(message));
        }
    }
}
