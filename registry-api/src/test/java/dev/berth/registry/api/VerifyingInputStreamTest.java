// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.spi.DigestMismatchException;
import dev.berth.registry.spi.SizeMismatchException;
import dev.berth.registry.spi.VerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one hashing stream: what it lets through, and when it refuses. */
class VerifyingInputStreamTest {
    private static final byte[] CONTENT = "the blob's bytes, in two reads or more".getBytes(StandardCharsets.UTF_8);
    private static final Digest DIGEST = Digest.sha256(CONTENT);

    /** Reads in 7-byte steps, keeping what the stream handed out before it threw, if it threw. */
    private static ByteArrayOutputStream readAll(InputStream in, ByteArrayOutputStream out) throws IOException {
        byte[] buffer = new byte[7];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
        return out;
    }

    @Test
    void rightContentPassesAndSaysSo() throws IOException {
        List<Boolean> outcomes = new ArrayList<>();
        InputStream in = new VerifyingInputStream(new ByteArrayInputStream(CONTENT), DIGEST, CONTENT.length)
                .onOutcome(outcomes::add);
        assertArrayEquals(CONTENT, readAll(in, new ByteArrayOutputStream()).toByteArray());
        assertEquals(List.of(true), outcomes);
    }

    @Test
    void wrongContentNeverArrivesWhole() {
        byte[] rotten = CONTENT.clone();
        rotten[3] ^= 1;
        List<Boolean> outcomes = new ArrayList<>();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        assertThrows(DigestMismatchException.class, () -> readAll(new VerifyingInputStream(
                new ByteArrayInputStream(rotten), DIGEST, CONTENT.length).onOutcome(outcomes::add), got));
        assertTrue(got.size() < CONTENT.length, "the read that reaches the declared size throws: " + got.size());
        assertEquals(List.of(false), outcomes);
    }

    @Test
    void sizesOtherThanDeclaredAreRefused() {
        assertThrows(SizeMismatchException.class, () -> readAll(new VerifyingInputStream(
                new ByteArrayInputStream(CONTENT), DIGEST, CONTENT.length - 1), new ByteArrayOutputStream()));
        assertThrows(SizeMismatchException.class, () -> readAll(new VerifyingInputStream(
                new ByteArrayInputStream(CONTENT), DIGEST, CONTENT.length + 1), new ByteArrayOutputStream()));
    }

    @Test
    void withoutASizeTheDigestIsCheckedAtTheEnd() throws IOException {
        assertArrayEquals(CONTENT, new VerifyingInputStream(new ByteArrayInputStream(CONTENT), DIGEST, -1).readAllBytes());
        assertThrows(DigestMismatchException.class, () -> new VerifyingInputStream(
                new ByteArrayInputStream(CONTENT, 0, 10), DIGEST, -1).readAllBytes());
    }

    @Test
    void skippingFailsUnlessAllowedAndThenEndsVerification() throws IOException {
        assertThrows(IOException.class, () -> new VerifyingInputStream(new ByteArrayInputStream(CONTENT), DIGEST,
                CONTENT.length).skipNBytes(5));
        List<Boolean> outcomes = new ArrayList<>();
        VerifyingInputStream range = new VerifyingInputStream(new ByteArrayInputStream(CONTENT), DIGEST,
                CONTENT.length).skippable().onOutcome(outcomes::add);
        range.skipNBytes(5);
        assertEquals(CONTENT.length - 5, range.readAllBytes().length);
        assertEquals(List.of(), outcomes, "a partial read proves nothing either way");
    }

    @Test
    void hashingIntoARunningStateAcrossStreams() throws IOException {
        MessageDigest running = Digest.Algorithm.SHA256.newMessageDigest();
        VerifyingInputStream first = VerifyingInputStream.hashingInto(new ByteArrayInputStream(CONTENT, 0, 10), running);
        VerifyingInputStream second = VerifyingInputStream.hashingInto(
                new ByteArrayInputStream(CONTENT, 10, CONTENT.length - 10), running);
        first.transferTo(new ByteArrayOutputStream());
        second.transferTo(new ByteArrayOutputStream());
        assertEquals(CONTENT.length, first.count() + second.count());
        assertEquals(DIGEST, Digest.of(Digest.Algorithm.SHA256, running));
    }
}
