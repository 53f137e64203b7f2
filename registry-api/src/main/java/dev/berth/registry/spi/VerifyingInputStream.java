// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one stream that hashes content as it is read. Given the expected digest, it reports wrong
 * content before the reader has all of it: the read that reaches the declared size (or, with
 * the size unknown, the read that would return -1) throws {@link DigestMismatchException} or
 * {@link SizeMismatchException} instead, and a read past the declared size throws at once. A
 * backend that commits only after reading -1 therefore never commits wrong bytes, and a reader
 * serving stored content never hands out the last bytes of a corrupt blob.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final Optional<Digest> expected;
    private final long expectedSize;
    private final MessageDigest hash;
    private Consumer<Boolean> outcome = matched -> { };
    private boolean skippable;
    private long count;
    /** Verified, or verification given up by a skip: no more hashing. */
    private boolean settled;
    private boolean skipped;
    private IOException failure;

    /**
     * @param expectedSize the declared size, or -1 when only the digest is known
     */
    public VerifyingInputStream(InputStream in, Digest expected, long expectedSize) {
        this(in, Optional.of(Objects.requireNonNull(expected, "expected")), expectedSize,
                expected.algorithm().newMessageDigest());
    }

    private VerifyingInputStream(InputStream in, Optional<Digest> expected, long expectedSize, MessageDigest hash) {
        super(Objects.requireNonNull(in, "in"));
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.hash = hash;
    }

    /**
     * A stream that feeds what is read into {@code hash} (a running state the caller keeps, as
     * across the chunks of an upload) and counts it, verifying nothing.
     */
    public static VerifyingInputStream hashingInto(InputStream in, MessageDigest hash) {
        return new VerifyingInputStream(in, Optional.empty(), -1, Objects.requireNonNull(hash, "hash"));
    }

    /** Tells {@code listener} once whether the content matched, just before the read that verified returns or throws. */
    public VerifyingInputStream onOutcome(Consumer<Boolean> listener) {
        this.outcome = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Lets a reader skip (a range request serving part of the content): a skip ends
     * verification for this stream instead of failing. Without it, skipping throws.
     */
    public VerifyingInputStream skippable() {
        this.skippable = true;
        return this;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw failure;
        }
        int n = in.read(b, off, len);
        if (expected.isEmpty()) {
            if (n > 0) {
                hash.update(b, off, n);
                count += n;
            }
            return n;
        }
        if (settled) {
            if (n > 0 && !skipped) {
                fail(new SizeMismatchException("content is longer than the declared " + expectedSize + " bytes"));
            }
            return n;
        }
        if (n < 0) {
            verify();
            return -1;
        }
        count += n;
        if (expectedSize >= 0 && count > expectedSize) {
            fail(new SizeMismatchException("content is longer than the declared " + expectedSize + " bytes"));
        }
        hash.update(b, off, n);
        if (count == expectedSize) {
            verify(); // before the last bytes reach the reader
        }
        return n;
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = read(buffer, 0, buffer.length)) >= 0) { // through read: every byte hashed
            out.write(buffer, 0, n);
            total += n;
        }
        return total;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        if (!skippable) {
            throw new IOException("a verifying stream cannot skip: every byte must be hashed");
        }
        settled = true;
        skipped = true;
        return in.skip(n);
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
        settled = true;
        Digest digest = expected.orElseThrow();
        if (expectedSize >= 0 && count != expectedSize) {
            fail(new SizeMismatchException("content is " + count + " bytes, declared " + expectedSize));
        }
        Digest actual = Digest.of(digest.algorithm(), hash);
        if (!actual.equals(digest)) {
            fail(new DigestMismatchException("content hashes to " + actual + ", expected " + digest));
        }
        outcome.accept(true);
    }

    private void fail(IOException e) throws IOException {
        settled = true;
        failure = e;
        outcome.accept(false);
        throw e;
    }
}
