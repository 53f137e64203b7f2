// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.DigestMismatchException;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.SizeMismatchException;
import dev.berth.registry.spi.VerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPI contracts of BlobHandler and BlobPutHandler: what get and put promise. */
abstract class BlobContracts extends BlobGroup {
    @Test
    @DisplayName("get-2: an unknown digest throws NotFoundException")
    void unknownDigest() {
        Digest unknown = Digest.sha256(Content.random(1, 10));
        assertThrows(NotFoundException.class, () -> blobs().get(A, unknown).close(),
                "get-2: get of a digest never put must throw NotFoundException (core answers 404 BLOB_UNKNOWN)");
    }

    @Test
    @DisplayName("put-1, get-1: get returns exactly the bytes put")
    void putThenGet() throws IOException {
        byte[] content = Content.random(2, 100_000);
        Digest digest = put(A, content);
        assertArrayEquals(content, read(blobs(), A, digest), "get-1: get must return exactly the bytes committed by put");
    }

    @Test
    @DisplayName("put-1: the empty blob can be stored")
    void emptyBlob() throws IOException {
        Digest digest = put(A, new byte[0]);
        assertEquals(0, read(blobs(), A, digest).length, "get-1: the empty blob reads back empty");
    }

    @Test
    @DisplayName("put-1: sha512 digests are stored like sha256")
    void sha512() throws IOException {
        byte[] content = Content.random(3, 5000);
        Digest digest = Digest.of(Digest.Algorithm.SHA512, content);
        putter().put(A, digest, new VerifyingInputStream(new ByteArrayInputStream(content), digest, content.length));
        assertArrayEquals(content, read(blobs(), A, digest), "get-1: sha512 blob must read back");
    }

    @Test
    @DisplayName("put-2: a digest mismatch propagates and stores nothing")
    void digestMismatch() {
        BlobPutHandler putter = putter(); // skips here, not inside a lambda, when put is missing
        byte[] content = Content.random(4, 70_000);
        Digest claimed = Digest.sha256(Content.random(5, 10));
        assertThrows(DigestMismatchException.class, () -> putter.put(A, claimed,
                        new VerifyingInputStream(new ByteArrayInputStream(content), claimed, -1)),
                "put-2: put must read the stream to its end and let DigestMismatchException through");
        assertThrows(NotFoundException.class, () -> blobs().get(A, claimed).close(),
                "put-2: after a failed put, nothing may be stored under the claimed digest");
    }

    @Test
    @DisplayName("put-2: a size mismatch propagates and stores nothing")
    void sizeMismatch() {
        BlobPutHandler putter = putter(); // skips here, not inside a lambda, when put is missing
        byte[] content = Content.random(6, 1000);
        Digest digest = Digest.sha256(content);
        assertThrows(SizeMismatchException.class, () -> putter.put(A, digest,
                        new VerifyingInputStream(new ByteArrayInputStream(content), digest, 999)),
                "put-2: content longer than declared must fail with SizeMismatchException");
        assertThrows(NotFoundException.class, () -> blobs().get(A, digest).close(),
                "put-2: after a failed put, nothing may be stored");
    }

    @Test
    @DisplayName("put-2: a stream failing midway stores nothing")
    void failingStream() {
        BlobPutHandler putter = putter(); // skips here, not inside a lambda, when put is missing
        byte[] content = Content.random(7, 300_000);
        Digest digest = Digest.sha256(content);
        InputStream failing = Content.failingAfter(content, 100_000);
        assertThrows(IOException.class, () -> putter.put(A, digest, failing),
                "put-2: an I/O error while reading content must propagate");
        assertThrows(NotFoundException.class, () -> blobs().get(A, digest).close(),
                "put-2: a partial blob must never become visible");
    }

    @Test
    @DisplayName("put-2: after a failed put, putting the same digest whole stores it whole")
    void failedPutLeavesNothingBehind() throws IOException {
        BlobPutHandler putter = putter(); // skips here, not inside a lambda, when put is missing
        byte[] content = Content.random(8, 300_000);
        Digest digest = Digest.sha256(content);
        assertThrows(IOException.class, () -> putter.put(A, digest, Content.failingAfter(content, 100_000)),
                "put-2: an I/O error while reading content must propagate");
        put(A, content);
        byte[] back = read(blobs(), A, digest);
        assertEquals(content.length, back.length, "put-2 (BlobPutHandler.put): a failed put must leave nothing a later"
                + " put of the same digest takes for the blob; after a put failing at 100000 bytes and a whole put,"
                + " get returned " + back.length + " of " + content.length + " bytes");
        assertArrayEquals(content, back, "put-2 (BlobPutHandler.put): the whole put's bytes must be what get returns");
    }

    @Test
    @DisplayName("put-2: a failing put of a digest another repository holds reads the stream and links nothing")
    void failedPutOfAStoredDigest() throws IOException {
        BlobPutHandler putter = putter(); // skips here, not inside a lambda, when put is missing
        byte[] content = Content.random(9, 50_000);
        Digest digest = put(A, content);
        byte[] guess = Content.random(10, 50_000); // a client that names the digest without having the bytes
        assertThrows(DigestMismatchException.class, () -> putter.put(B, digest,
                        new VerifyingInputStream(new ByteArrayInputStream(guess), digest, guess.length)),
                "put-2 (BlobPutHandler.put): a put must read the stream to its end even when the content is already"
                        + " stored, and let DigestMismatchException through");
        assertThrows(NotFoundException.class, () -> blobs().get(B, digest).close(),
                "put-2 (BlobPutHandler.put): a failed put must link nothing, even a digest stored elsewhere: else a"
                        + " client reads another repository's blob by naming its digest");
    }

    @Test
    @DisplayName("get-2: a blob is readable only through repositories it was put or mounted into")
    void repositoryIsolation() throws IOException {
        Digest digest = put(A, Content.random(8, 1000));
        assertThrows(NotFoundException.class, () -> blobs().get(B, digest).close(),
                "get-2: a blob put into " + A + " must not be readable through " + B);
    }

    @Test
    @DisplayName("put-3: concurrent puts of the same blob all succeed and store it once")
    void concurrentSamePuts() throws Exception {
        putter(); // skips here, not inside a task, when put is missing
        byte[] content = Content.random(9, 2_000_000);
        List<Callable<Digest>> tasks = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int i = 0; i < 8; i++) {
            Repository repo = i % 2 == 0 ? A : B;
            tasks.add(() -> {
                start.await();
                return put(repo, content);
            });
        }
        List<Digest> digests = runAll(tasks, start);
        for (Digest d : digests) {
            assertArrayEquals(content, read(blobs(), A, d), "put-3: after concurrent puts the blob must read back whole");
            assertArrayEquals(content, read(blobs(), B, d), "put-3: both repositories must hold it");
        }
    }

    @Test
    @DisplayName("put-3: concurrent puts of different blobs do not interfere")
    void concurrentDifferentPuts() throws Exception {
        putter(); // skips here, not inside a task, when put is missing
        List<byte[]> contents = new ArrayList<>();
        List<Callable<Digest>> tasks = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int i = 0; i < 8; i++) {
            byte[] content = Content.random(100 + i, 300_000);
            contents.add(content);
            tasks.add(() -> {
                start.await();
                return put(A, content);
            });
        }
        List<Digest> digests = runAll(tasks, start);
        for (int i = 0; i < digests.size(); i++) {
            assertArrayEquals(contents.get(i), read(blobs(), A, digests.get(i)), "put-3: blob " + i + " must read back");
        }
    }

    private static <T> List<T> runAll(List<Callable<T>> tasks, CountDownLatch start) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("put-1: a 300 MiB stream is stored and read back intact")
    void largeStream() throws IOException {
        long size = 300L * 1024 * 1024;
        MessageDigest hash = Digest.Algorithm.SHA256.newMessageDigest();
        try (InputStream in = Content.generated(42, size)) {
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                hash.update(buffer, 0, n);
            }
        }
        Digest digest = Digest.of(Digest.Algorithm.SHA256, hash);
        putter().put(A, digest, new VerifyingInputStream(Content.generated(42, size), digest, size));
        MessageDigest readBack = Digest.Algorithm.SHA256.newMessageDigest();
        long count = 0;
        try (InputStream in = blobs().get(A, digest)) {
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                readBack.update(buffer, 0, n);
                count += n;
            }
        }
        assertEquals(size, count, "get-1: a large blob must read back at its full size");
        assertEquals(digest, Digest.of(Digest.Algorithm.SHA256, readBack), "get-1: a large blob must read back intact");
    }
}
