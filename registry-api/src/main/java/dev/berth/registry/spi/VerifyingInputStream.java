// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * Hashes content as it is read and reports wrong content before the reader sees end-of-stream:
 * the read that would return -1 throws {@link DigestMismatchException} or
 * {@link SizeMismatchException} instead, and a read past the declared size throws at once. A
 * backend that commits only after reading -1 therefore never commits wrong bytes.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final Digest expected;
    private final long expectedSize;
    private final MessageDigest hash;
    private long count;
    private boolean verified;

    /**
     * @param expectedSize the declared size, or -1 when only the digest is known
     */
    public VerifyingInputStream(InputStream in, Digest expected, long expectedSize) {
        super(Objects.requireNonNull(in, "in"));
        this.expected = Objects.requireNonNull(expected, "expected");
        this.expectedSize = expectedSize;
        this.hash = expected.algorithm().newMessageDigest();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) {
            verify();
            return -1;
        }
        count += n;
        if (expectedSize >= 0 && count > expectedSize) {
            throw new SizeMismatchException("content is longer than the declared " + expectedSize + " bytes");
        }
        hash.update(b, off, n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("a verifying stream cannot skip: every byte must be hashed");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Bytes read so far. */
    public long count() {
        return count;
    }

    private void verify() throws IOException {
        if (verified) {
            return;
        }
        if (expectedSize >= 0 && count != expectedSize) {
            throw new SizeMismatchException("content is " + count + " bytes, declared " + expectedSize);
        }
        Digest actual = Digest.of(expected.algorithm(), hash);
        if (!actual.equals(expected)) {
            throw new DigestMismatchException("content hashes to " + actual + ", expected " + expected);
        }
        verified = true;
    }
}
