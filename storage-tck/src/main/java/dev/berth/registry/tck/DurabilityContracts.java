// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.PushedManifest;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.Upload;
import dev.berth.registry.spi.VerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * durable-1…3: what a backend acknowledged is there after a restart (the storage closed and
 * opened again over the same data with {@link StorageTck#reopenStorage}). Skipped for backends
 * that do not reopen, such as the memory one.
 */
abstract class DurabilityContracts extends Contracts {
    private static final Repository A = repo("tck/durable");

    /** Closes the storage under test and returns it opened again; skips the check if the backend cannot. */
    Storage restart() throws IOException {
        return kit().restart();
    }

    /** What a read after the restart must find; its absence fails naming the clause and the method. */
    @FunctionalInterface
    private interface Read<T> {
        T get() throws IOException;
    }

    private static <T> T found(String clause, Read<T> read) throws IOException {
        try {
            return read.get();
        } catch (NotFoundException e) {
            throw new AssertionFailedError(clause + ": acknowledged before the restart, missing after it ("
                    + e.getMessage() + "); does reopening read what the first storage wrote?");
        }
    }

    @Test
    @DisplayName("durable-1: blobs, manifests, tags and referrers stored before a restart read back the same after it")
    void storedContentSurvives() throws IOException {
        byte[] blob = Content.random(21, 70_000);
        Digest blobDigest = Digest.sha256(blob);
        require(storage().blobs(), BlobPutHandler.class).put(A, blobDigest,
                new VerifyingInputStream(new ByteArrayInputStream(blob), blobDigest, blob.length));
        PushedManifest subject = ManifestContracts.manifest("durable-subject");
        PushedManifest referrer = ManifestContracts.manifest("durable-sbom", Optional.of(subject.digest()),
                Optional.of("application/vnd.example.sbom"), Map.of());
        storage().manifests().put(A, subject, Set.of(new Tag("v1")));
        storage().manifests().put(A, referrer, Set.of());
        Storage after = restart();
        assertArrayEquals(blob, found("durable-1 (BlobPutHandler.put, BlobHandler.get)", () -> BlobGroup.read(after.blobs(), A, blobDigest)),
                "durable-1 (BlobPutHandler.put): a blob whose put returned must read back whole after a restart");
        Manifest back = found("durable-1 (ManifestHandler.put, get)", () -> after.manifests().get(A, subject.digest()));
        assertArrayEquals(subject.content(), back.content(),
                "durable-1 (ManifestHandler.put): a manifest whose put returned must read back byte for byte");
        assertEquals(subject.mediaType(), back.mediaType(), "durable-1 (ManifestHandler.get): media type kept");
        assertEquals(subject.digest(), found("durable-1 (ManifestHandler.put, resolve)",
                        () -> after.manifests().resolve(A, new Tag("v1"))),
                "durable-1 (ManifestHandler.put): a tag set by a put that returned must resolve after a restart");
        assertEquals(1, after.manifests().referrers(A, subject.digest()).size(),
                "durable-1 (ManifestHandler.referrers): the referrers entry must survive a restart");
    }

    @Test
    @DisplayName("durable-2: an upload session resumes after a restart at the size acknowledged before it")
    void uploadSessionsSurvive() throws IOException {
        byte[] first = Content.random(22, 40_000);
        byte[] second = Content.random(23, 25_000);
        String id = UploadContracts.newId();
        Upload upload = storage().uploads().create(A, id);
        assertEquals(first.length, upload.append(new ByteArrayInputStream(first)));
        Storage after = restart();
        Upload resumed = found("durable-2 (UploadHandler.create, open)", () -> after.uploads().open(id));
        assertEquals(first.length, resumed.size(), "durable-2 (UploadHandler.open, Upload.size): a session must"
                + " resume at the size its last append returned");
        assertEquals(first.length + second.length, resumed.append(new ByteArrayInputStream(second)));
        byte[] whole = new byte[first.length + second.length];
        System.arraycopy(first, 0, whole, 0, first.length);
        System.arraycopy(second, 0, whole, first.length, second.length);
        try (InputStream in = resumed.read()) {
            assertArrayEquals(whole, in.readAllBytes(), "durable-2 (Upload.read): the bytes before and after the"
                    + " restart, in order");
        }
    }

    @Test
    @DisplayName("durable-3: what was deleted or untagged before a restart stays gone after it")
    void removalsSurvive() throws IOException {
        PushedManifest deleted = ManifestContracts.manifest("durable-deleted");
        PushedManifest kept = ManifestContracts.manifest("durable-kept");
        storage().manifests().put(A, deleted, Set.of(new Tag("gone")));
        storage().manifests().put(A, kept, Set.of(new Tag("kept"), new Tag("untagged")));
        storage().manifests().delete(A, deleted.digest());
        storage().manifests().untag(A, new Tag("untagged"));
        Storage after = restart();
        assertThrows(NotFoundException.class, () -> after.manifests().get(A, deleted.digest()),
                "durable-3 (ManifestHandler.delete): a deleted manifest must not come back after a restart");
        assertThrows(NotFoundException.class, () -> after.manifests().resolve(A, new Tag("gone")),
                "durable-3 (ManifestHandler.delete): the tags of a deleted manifest must not come back");
        assertThrows(NotFoundException.class, () -> after.manifests().resolve(A, new Tag("untagged")),
                "durable-3 (ManifestHandler.untag): an untagged tag must not come back");
        assertEquals(kept.digest(), found("durable-3 (ManifestHandler.put, resolve)",
                        () -> after.manifests().resolve(A, new Tag("kept"))),
                "durable-3: what was not removed stays");
    }
}
