// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Upload;
import dev.berth.registry.spi.UploadHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPI contracts of UploadHandler and Upload. */
abstract class UploadContracts extends Contracts {
    private static final Repository A = repo("tck/a");

    UploadHandler uploads() {
        return storage().uploads();
    }

    static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    @DisplayName("uploads-1, upload-1, upload-2, upload-3, upload-4: chunks add up to the committed blob")
    void chunksThenCommit() throws IOException {
        Upload upload = uploads().create(A, newId());
        assertEquals(0, upload.size(), "upload-1: a new session is empty");
        byte[] content = Content.random(20, 250_000);
        assertEquals(100_000, upload.append(new ByteArrayInputStream(content, 0, 100_000)), "upload-2: new size");
        Upload reopened = uploads().open(upload.id());
        assertEquals(A, reopened.repository(), "uploads-2: a session remembers its repository");
        assertEquals(100_000, reopened.size(), "upload-1: size counts the bytes appended");
        assertEquals(content.length, reopened.append(new ByteArrayInputStream(content, 100_000, 150_000)), "upload-2");
        try (InputStream in = reopened.read()) {
            assertArrayEquals(content, in.readAllBytes(), "upload-3: read returns every byte received, in order");
        }
        Digest digest = Digest.sha256(content);
        reopened.commit(digest);
        try (InputStream in = storage().blobs().get(A, digest)) {
            assertArrayEquals(content, in.readAllBytes(), "upload-4: commit makes the bytes the blob of the repository");
        }
        assertThrows(NotFoundException.class, () -> uploads().open(upload.id()), "upload-4: commit ends the session");
    }

    @Test
    @DisplayName("upload-5, uploads-2: cancel ends the session; unknown ids throw NotFoundException")
    void cancel() throws IOException {
        assertThrows(NotFoundException.class, () -> uploads().open(newId()), "uploads-2: unknown id");
        Upload upload = uploads().create(A, newId());
        upload.append(new ByteArrayInputStream(new byte[] {1, 2, 3}));
        upload.cancel();
        assertThrows(NotFoundException.class, () -> uploads().open(upload.id()), "upload-5: cancelled sessions are gone");
    }

    @Test
    @DisplayName("upload-5: cancelling a session that already ended does nothing")
    void cancelIsIdempotent() throws IOException {
        Upload cancelled = uploads().create(A, newId());
        cancelled.cancel();
        cancelled.cancel(); // upload-5: must not throw
        byte[] content = Content.random(21, 1000);
        Upload committed = uploads().create(A, newId());
        committed.append(new ByteArrayInputStream(content));
        Digest digest = Digest.sha256(content);
        committed.commit(digest);
        committed.cancel(); // upload-5: a committed session has ended; the blob stays
        try (InputStream in = storage().blobs().get(A, digest)) {
            assertArrayEquals(content, in.readAllBytes(),
                    "upload-5 (Upload.cancel): cancelling a committed session must leave its blob");
        }
    }

    @Test
    @DisplayName("uploads-1: create with the id of an open session fails and leaves that session as it was")
    void createWithAnOpenId() throws IOException {
        Upload first = uploads().create(A, newId());
        first.append(new ByteArrayInputStream(new byte[] {1, 2, 3}));
        IOException refused = assertThrows(IOException.class, () -> uploads().create(repo("tck/b"), first.id()),
                "uploads-1 (UploadHandler.create): an id that names an open session must fail with an IOException");
        assertFalse(refused instanceof NotFoundException, "uploads-1: not a NotFoundException: " + refused);
        Upload reopened = uploads().open(first.id());
        assertEquals(A, reopened.repository(), "uploads-1: the open session keeps its repository");
        assertEquals(3, reopened.size(), "uploads-1: the open session keeps its bytes");
        reopened.cancel();
    }

    @Test
    @DisplayName("uploads-3: expire removes sessions idle since before the cutoff, and only those")
    void expire() throws IOException {
        Upload idle = uploads().create(A, newId());
        idle.append(new ByteArrayInputStream(new byte[] {1}));
        Instant cutoff = Instant.now().plusSeconds(1);
        int expired = uploads().expire(cutoff);
        assertEquals(1, expired, "uploads-3: the one idle session must be counted");
        assertThrows(NotFoundException.class, () -> uploads().open(idle.id()), "uploads-3: expired session is gone");
        Upload fresh = uploads().create(A, newId());
        assertEquals(0, uploads().expire(Instant.now().minusSeconds(3600)), "uploads-3: active sessions stay");
        assertEquals(0, uploads().open(fresh.id()).size(), "uploads-3: an active session is still open");
    }
}
