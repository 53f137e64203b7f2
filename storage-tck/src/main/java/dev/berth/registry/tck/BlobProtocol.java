// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static dev.berth.registry.tck.HttpTester.assertBody;
import static dev.berth.registry.tck.HttpTester.expect;
import static dev.berth.registry.tck.HttpTester.expectError;
import static dev.berth.registry.tck.HttpTester.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.spi.BlobDeleteHandler;
import dev.berth.registry.spi.BlobLocateHandler;
import dev.berth.registry.spi.BlobMountHandler;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** end-2, end-4 … end-6, end-10, end-11, end-13, end-14 over HTTP. */
abstract class BlobProtocol extends ProtocolContracts {

    @Test
    @DisplayName("end-1: GET /v2/ answers 200 with the API version header")
    void base() {
        HttpResponse<byte[]> r = http.get("/v2/");
        expect(r, 200, "end-1");
        assertEquals("registry/2.0", header(r, "Docker-Distribution-API-Version"));
    }

    @Test
    @DisplayName("end-4b, end-2: single POST push, then GET and HEAD with digest and length")
    void singlePostThenPull() {
        byte[] content = Content.random(30, 50_000);
        Digest digest = http.pushBlob("proto/blob", content);
        HttpResponse<byte[]> get = http.get("/v2/proto/blob/blobs/" + digest);
        expect(get, 200, "end-2: GET blob");
        assertBody(content, get, "end-2: GET returns the pushed bytes");
        assertEquals(digest.toString(), header(get, "Docker-Content-Digest"));
        HttpResponse<byte[]> head = http.head("/v2/proto/blob/blobs/" + digest);
        expect(head, 200, "end-2: HEAD blob");
        assertEquals(String.valueOf(content.length), header(head, "Content-Length"), "end-2: HEAD has Content-Length");
        assertEquals(digest.toString(), header(head, "Docker-Content-Digest"));
    }

    @Test
    @DisplayName("end-4b: a single POST with the wrong digest is 400 DIGEST_INVALID and stores nothing")
    void singlePostWrongDigest() {
        byte[] content = Content.random(31, 1000);
        Digest wrong = Digest.sha256(Content.random(32, 1000));
        expectError(http.post("/v2/proto/blob/blobs/uploads/?digest=" + wrong, content), 400, "DIGEST_INVALID",
                "end-4b with mismatched digest");
        expectError(http.head("/v2/proto/blob/blobs/" + wrong), 404, "BLOB_UNKNOWN", "nothing stored after a mismatch");
    }

    @Test
    @DisplayName("end-2: unknown blob is 404 BLOB_UNKNOWN; other repositories do not leak it")
    void unknownAndIsolated() {
        Digest digest = http.pushBlob("proto/one", Content.random(33, 100));
        expectError(http.get("/v2/proto/two/blobs/" + digest), 404, "BLOB_UNKNOWN",
                "a blob pushed to proto/one must not be readable through proto/two");
        expectError(http.head("/v2/proto/two/blobs/" + digest), 404, "BLOB_UNKNOWN", "HEAD through another repository");
    }

    @ParameterizedTest(name = "end-2: malformed digest {0} is 400 DIGEST_INVALID")
    @ValueSource(strings = {"sha256:abc", "sha256:GGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGG", "md5:d41d8cd98f00b204e9800998ecf8427e", "nodigest:",
            "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"})
    void malformedDigest(String digest) {
        expectError(http.get("/v2/proto/blob/blobs/" + digest), 400, "DIGEST_INVALID", "malformed digest " + digest);
    }

    @Test
    @DisplayName("end-2: single ranges answer 206, unsatisfiable ones 416")
    void ranges() {
        byte[] content = Content.random(34, 10_000);
        Digest digest = http.pushBlob("proto/range", content);
        String path = "/v2/proto/range/blobs/" + digest;
        HttpResponse<byte[]> mid = http.get(path, "Range", "bytes=100-199");
        expect(mid, 206, "bytes=100-199");
        assertArrayEquals(Arrays.copyOfRange(content, 100, 200), mid.body(), "206 carries exactly the range");
        assertEquals("bytes 100-199/10000", header(mid, "Content-Range"));
        HttpResponse<byte[]> open = http.get(path, "Range", "bytes=9990-");
        expect(open, 206, "bytes=9990-");
        assertArrayEquals(Arrays.copyOfRange(content, 9990, 10_000), open.body());
        HttpResponse<byte[]> suffix = http.get(path, "Range", "bytes=-10");
        expect(suffix, 206, "bytes=-10");
        assertArrayEquals(Arrays.copyOfRange(content, 9990, 10_000), suffix.body());
        HttpResponse<byte[]> beyond = http.get(path, "Range", "bytes=10000-");
        expect(beyond, 416, "a range starting at the end is unsatisfiable");
        assertEquals("bytes */10000", header(beyond, "Content-Range"));
        HttpResponse<byte[]> backwards = http.get(path, "Range", "bytes=500-0");
        expect(backwards, 416, "a range ending before it starts is unsatisfiable (the conformance suite's case)");
        assertEquals("bytes */10000", header(backwards, "Content-Range"));
    }

    @Test
    @DisplayName("end-4a, end-6: POST then PUT with the whole blob")
    void postThenPut() {
        byte[] content = Content.random(35, 70_000);
        Digest digest = Digest.sha256(content);
        HttpResponse<byte[]> post = http.post("/v2/proto/pp/blobs/uploads/", new byte[0]);
        expect(post, 202, "end-4a");
        String location = header(post, "Location");
        assertTrue(header(post, "Docker-Upload-UUID").length() >= 20, "upload ids are long random strings");
        HttpResponse<byte[]> put = http.put(location + "?digest=" + digest, content,
                "Content-Type", "application/octet-stream");
        expect(put, 201, "end-6 with body");
        assertEquals("/v2/proto/pp/blobs/" + digest, header(put, "Location"));
        assertBody(content, http.get("/v2/proto/pp/blobs/" + digest), "end-2: GET returns the pushed blob");
    }

    @Test
    @DisplayName("end-5, end-13, end-6: chunked upload with Content-Range, status, then closing PUT")
    void chunked() {
        byte[] content = Content.random(36, 300_000);
        Digest digest = Digest.sha256(content);
        String location = header(http.post("/v2/proto/chunk/blobs/uploads/", new byte[0]), "Location");
        HttpResponse<byte[]> first = http.patch(location, Arrays.copyOfRange(content, 0, 100_000),
                "Content-Range", "0-99999", "Content-Type", "application/octet-stream");
        expect(first, 202, "end-5 first chunk");
        assertEquals("0-99999", header(first, "Range"));
        location = header(first, "Location");
        HttpResponse<byte[]> status = http.get(location);
        expect(status, 204, "end-13 upload status");
        assertEquals("0-99999", header(status, "Range"));
        HttpResponse<byte[]> outOfOrder = http.patch(location, Arrays.copyOfRange(content, 200_000, 300_000),
                "Content-Range", "200000-299999");
        expectError(outOfOrder, 416, "BLOB_UPLOAD_INVALID", "end-5: a chunk that skips bytes is 416");
        HttpResponse<byte[]> second = http.patch(location, Arrays.copyOfRange(content, 100_000, 200_000),
                "Content-Range", "100000-199999");
        expect(second, 202, "end-5 second chunk");
        HttpResponse<byte[]> last = http.put(header(second, "Location") + "?digest=" + digest,
                Arrays.copyOfRange(content, 200_000, 300_000), "Content-Range", "200000-299999");
        expect(last, 201, "end-6: closing PUT carrying the last chunk");
        assertBody(content, http.get("/v2/proto/chunk/blobs/" + digest), "chunks add up to the blob");
        expectError(http.get(location), 404, "BLOB_UPLOAD_UNKNOWN", "a finished session is gone");
    }

    @Test
    @DisplayName("end-5: streamed PATCH without Content-Range (as skopeo sends), then empty PUT")
    void streamedPatch() {
        byte[] content = Content.random(37, 1_000_000);
        Digest digest = Digest.sha256(content);
        String location = header(http.post("/v2/proto/stream/blobs/uploads/", new byte[0]), "Location");
        HttpResponse<byte[]> patch = http.send("PATCH", location,
                HttpTester.streaming(() -> new java.io.ByteArrayInputStream(content)));
        expect(patch, 202, "end-5 streamed");
        assertEquals("0-999999", header(patch, "Range"));
        expect(http.put(header(patch, "Location") + "?digest=" + digest, new byte[0]), 201, "end-6 without body");
        assertBody(content, http.get("/v2/proto/stream/blobs/" + digest), "end-2: GET returns the pushed blob");
    }

    @Test
    @DisplayName("end-4c, end-6: sha512 blobs push and pull")
    void sha512() {
        byte[] content = Content.random(38, 4000);
        Digest digest = Digest.of(Digest.Algorithm.SHA512, content);
        String location = header(http.post("/v2/proto/sha512/blobs/uploads/?digest-algorithm=sha512", new byte[0]),
                "Location");
        expect(http.patch(location, content), 202, "PATCH");
        expect(http.put(location + "?digest=" + digest, new byte[0]), 201, "end-6 sha512");
        HttpResponse<byte[]> get = http.get("/v2/proto/sha512/blobs/" + digest);
        assertBody(content, get, "end-2: GET returns the pushed blob");
        assertEquals(digest.toString(), header(get, "Docker-Content-Digest"));
        expect(http.post("/v2/proto/sha512/blobs/uploads/?digest=" + Digest.of(Digest.Algorithm.SHA512, new byte[] {7}),
                new byte[] {7}), 201, "end-4b sha512");
    }

    @Test
    @DisplayName("end-6: the empty blob")
    void emptyBlob() {
        Digest digest = Digest.sha256(new byte[0]);
        String location = header(http.post("/v2/proto/empty/blobs/uploads/", new byte[0]), "Location");
        expect(http.put(location + "?digest=" + digest, new byte[0]), 201, "empty blob");
        HttpResponse<byte[]> head = http.head("/v2/proto/empty/blobs/" + digest);
        expect(head, 200, "HEAD empty");
        assertEquals("0", header(head, "Content-Length"));
    }

    @Test
    @DisplayName("end-6: a closing PUT with the wrong digest is 400 DIGEST_INVALID")
    void wrongFinalDigest() {
        String location = header(http.post("/v2/proto/wrong/blobs/uploads/", new byte[0]), "Location");
        expect(http.patch(location, new byte[] {1, 2, 3}), 202, "PATCH");
        Digest wrong = Digest.sha256(new byte[] {3, 2, 1});
        expectError(http.put(location + "?digest=" + wrong, new byte[0]), 400, "DIGEST_INVALID", "end-6 wrong digest");
        expectError(http.head("/v2/proto/wrong/blobs/" + wrong), 404, "BLOB_UNKNOWN", "nothing stored");
        expectError(http.put(location, new byte[0]), 404, "BLOB_UPLOAD_UNKNOWN", "the failed session is closed");
    }

    @Test
    @DisplayName("end-6: a closing PUT without ?digest= is 400 DIGEST_INVALID")
    void putWithoutDigest() {
        String location = header(http.post("/v2/proto/nodigest/blobs/uploads/", new byte[0]), "Location");
        expectError(http.put(location, new byte[] {1}), 400, "DIGEST_INVALID", "end-6 without digest");
    }

    @Test
    @DisplayName("end-14: DELETE cancels a session; later requests are 404 BLOB_UPLOAD_UNKNOWN")
    void cancel() {
        String location = header(http.post("/v2/proto/cancel/blobs/uploads/", new byte[0]), "Location");
        expect(http.delete(location), 204, "end-14");
        expectError(http.get(location), 404, "BLOB_UPLOAD_UNKNOWN", "status of a cancelled session");
        expectError(http.patch(location, new byte[] {1}), 404, "BLOB_UPLOAD_UNKNOWN", "PATCH of a cancelled session");
    }

    @Test
    @DisplayName("end-5: sessions are bound to their repository and ids are unguessable")
    void sessionBinding() {
        HttpResponse<byte[]> a = http.post("/v2/proto/owner/blobs/uploads/", new byte[0]);
        HttpResponse<byte[]> b = http.post("/v2/proto/owner/blobs/uploads/", new byte[0]);
        String id = header(a, "Docker-Upload-UUID");
        assertNotEquals(id, header(b, "Docker-Upload-UUID"), "every session gets its own id");
        assertTrue(id.matches("[A-Za-z0-9_-]{32,}"), "ids carry at least 192 random bits: " + id);
        expectError(http.patch("/v2/proto/intruder/blobs/uploads/" + id, new byte[] {1}), 404, "BLOB_UPLOAD_UNKNOWN",
                "a session used through another repository");
        expectError(http.get("/v2/proto/owner/blobs/uploads/not-a-session"), 404, "BLOB_UPLOAD_UNKNOWN", "made-up id");
    }

    @Test
    @DisplayName("end-11: mount from a repository holding the blob is 201; otherwise 202 with a session")
    void mount() {
        byte[] content = Content.random(39, 5000);
        Digest digest = http.pushBlob("proto/source", content);
        HttpResponse<byte[]> mounted = http.post("/v2/proto/target/blobs/uploads/?mount=" + digest + "&from=proto/source",
                new byte[0]);
        if (!(servedBlobs() instanceof BlobMountHandler)) {
            expect(mounted, 202, "end-11: without BlobMountHandler, a mount falls back to an upload session");
            return;
        }
        expect(mounted, 201, "end-11 mount");
        assertEquals("/v2/proto/target/blobs/" + digest, header(mounted, "Location"));
        assertBody(content, http.get("/v2/proto/target/blobs/" + digest), "mounted blob is readable");
        Digest missing = Digest.sha256(Content.random(40, 10));
        HttpResponse<byte[]> fallback = http.post("/v2/proto/target/blobs/uploads/?mount=" + missing
                + "&from=proto/source", new byte[0]);
        expect(fallback, 202, "end-11: unknown blob falls back to an upload");
        assertTrue(header(fallback, "Location").startsWith("/v2/proto/target/blobs/uploads/"));
        HttpResponse<byte[]> anywhere = http.post("/v2/proto/other/blobs/uploads/?mount=" + digest, new byte[0]);
        if (!(servedBlobs() instanceof BlobLocateHandler)) {
            expect(anywhere, 202, "end-11: without BlobLocateHandler, a mount without from starts an upload");
            return;
        }
        expect(anywhere, 201, "end-11, locate-1: a mount without from finds a repository holding the blob");
        assertBody(content, http.get("/v2/proto/other/blobs/" + digest), "blob mounted without from is readable");
        expect(http.post("/v2/proto/other2/blobs/uploads/?mount=" + missing, new byte[0]), 202,
                "end-11: a mount without from of a blob nothing holds starts an upload");
    }

    @Test
    @DisplayName("end-10: DELETE blob is 202, then 404; other repositories keep it")
    void deleteBlob() {
        byte[] content = Content.random(41, 3000);
        Digest digest = http.pushBlob("proto/del1", content);
        http.pushBlob("proto/del2", content);
        if (!(servedBlobs() instanceof BlobDeleteHandler)) {
            expectError(http.delete("/v2/proto/del1/blobs/" + digest), 405, "UNSUPPORTED",
                    "end-10 without BlobDeleteHandler");
            assertBody(content, http.get("/v2/proto/del1/blobs/" + digest), "a refused delete keeps the blob");
            return;
        }
        expect(http.delete("/v2/proto/del1/blobs/" + digest), 202, "end-10");
        expectError(http.get("/v2/proto/del1/blobs/" + digest), 404, "BLOB_UNKNOWN", "deleted blob");
        assertBody(content, http.get("/v2/proto/del2/blobs/" + digest), "other repository keeps it");
        expectError(http.delete("/v2/proto/del1/blobs/" + digest), 404, "BLOB_UNKNOWN", "deleting twice");
    }

    @Test
    @DisplayName("end-5: a PATCH whose Content-Length disagrees with Content-Range is 400 SIZE_INVALID")
    void rangeLengthMismatch() {
        String location = header(http.post("/v2/proto/len/blobs/uploads/", new byte[0]), "Location");
        expectError(http.send("PATCH", location, BodyPublishers.ofByteArray(new byte[10]), "Content-Range", "0-19"),
                400, "SIZE_INVALID", "Content-Range of 20 bytes with a 10-byte body");
    }
}
