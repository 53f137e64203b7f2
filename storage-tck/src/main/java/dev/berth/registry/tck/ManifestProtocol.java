// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static dev.berth.registry.tck.HttpTester.assertBody;
import static dev.berth.registry.tck.HttpTester.expect;
import static dev.berth.registry.tck.HttpTester.expectError;
import static dev.berth.registry.tck.HttpTester.header;
import static dev.berth.registry.tck.HttpTester.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** end-3, end-7 and end-9 over HTTP: manifests in, out and deleted. */
abstract class ManifestProtocol extends ProtocolContracts {
    @Test
    @DisplayName("end-7, end-3: PUT by tag, GET and HEAD by tag and by digest return the exact bytes")
    void putGetByTagAndDigest() {
        byte[] manifest = image("man/basic", 50, ",\"annotations\":{\"unknown.field\":\"kept\"},\"zz-unknown\":[1,2]");
        HttpResponse<byte[]> put = http.put("/v2/man/basic/manifests/v1", manifest, "Content-Type", OCI);
        expect(put, 201, "end-7 by tag");
        Digest digest = Digest.sha256(manifest);
        assertEquals(digest.toString(), header(put, "Docker-Content-Digest"));
        assertEquals("/v2/man/basic/manifests/" + digest, header(put, "Location"));
        for (String ref : List.of("v1", digest.toString())) {
            HttpResponse<byte[]> get = http.get("/v2/man/basic/manifests/" + ref, "Accept", OCI);
            expect(get, 200, "end-3 GET " + ref);
            assertBody(manifest, get, "end-7: stored in the exact byte representation, unknown fields too");
            assertEquals(OCI, header(get, "Content-Type"));
            assertEquals(digest.toString(), header(get, "Docker-Content-Digest"));
            HttpResponse<byte[]> head = http.head("/v2/man/basic/manifests/" + ref);
            expect(head, 200, "end-3 HEAD " + ref);
            assertEquals(String.valueOf(manifest.length), header(head, "Content-Length"));
        }
    }

    @Test
    @DisplayName("end-3: by tag, Accept without the stored type is 404; by digest it is served")
    void acceptNegotiation() {
        byte[] manifest = image("man/accept", 60, "");
        Digest digest = http.pushManifest("man/accept", "v1", OCI, manifest);
        String docker = MediaType.DOCKER_MANIFEST.value();
        expectError(http.get("/v2/man/accept/manifests/v1", "Accept", docker), 404, "MANIFEST_UNKNOWN",
                "an OCI manifest asked for by a client accepting only Docker manifests");
        expect(http.get("/v2/man/accept/manifests/v1", "Accept", docker + ", " + OCI), 200, "Accept lists the type");
        expect(http.get("/v2/man/accept/manifests/v1", "Accept", "*/*"), 200, "wildcard");
        expect(http.get("/v2/man/accept/manifests/" + digest, "Accept", docker), 200, "by digest");
    }

    @Test
    @DisplayName("end-3: unknown tag or digest is 404 MANIFEST_UNKNOWN")
    void unknownManifest() {
        expectError(http.get("/v2/man/none/manifests/nope"), 404, "MANIFEST_UNKNOWN", "unknown tag");
        expectError(http.get("/v2/man/none/manifests/" + Digest.sha256(new byte[] {1})), 404, "MANIFEST_UNKNOWN",
                "unknown digest");
        expectError(http.head("/v2/man/none/manifests/nope"), 404, "MANIFEST_UNKNOWN", "HEAD unknown");
    }

    @Test
    @DisplayName("end-7b: PUT by digest with ?tag= sets every tag and answers OCI-Tag")
    void putByDigestWithTags() {
        byte[] manifest = image("man/tags", 51, "");
        Digest digest = Digest.sha256(manifest);
        HttpResponse<byte[]> put = http.put("/v2/man/tags/manifests/" + digest + "?tag=1.0&tag=1&tag=latest", manifest,
                "Content-Type", OCI);
        expect(put, 201, "end-7b");
        assertEquals("1.0, 1, latest", header(put, "OCI-Tag"));
        for (String tag : List.of("1.0", "1", "latest")) {
            assertBody(manifest, http.get("/v2/man/tags/manifests/" + tag), "tag " + tag + " set");
        }
    }

    @Test
    @DisplayName("end-7: a digest in the URL that does not match the body is 400 DIGEST_INVALID")
    void digestMismatch() {
        byte[] manifest = image("man/mismatch", 52, "");
        expectError(http.put("/v2/man/mismatch/manifests/" + Digest.sha256(new byte[] {9}), manifest, "Content-Type", OCI),
                400, "DIGEST_INVALID", "end-7 digest mismatch");
    }

    @Test
    @DisplayName("end-7: invalid manifests are 400 MANIFEST_INVALID")
    void invalidManifests() {
        byte[] good = image("man/invalid", 53, "");
        expectError(http.put("/v2/man/invalid/manifests/x", "{not json".getBytes(StandardCharsets.UTF_8),
                "Content-Type", OCI), 400, "MANIFEST_INVALID", "malformed JSON");
        expectError(http.put("/v2/man/invalid/manifests/x", good, "Content-Type", INDEX), 400, "MANIFEST_INVALID",
                "mediaType field differs from Content-Type");
        byte[] noConfig = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI + "\"}").getBytes(StandardCharsets.UTF_8);
        expectError(http.put("/v2/man/invalid/manifests/x", noConfig, "Content-Type", OCI), 400, "MANIFEST_INVALID",
                "no config");
        expectError(http.put("/v2/man/invalid/manifests/x", good, "Content-Type", "application/x-unknown"), 400,
                "MANIFEST_INVALID", "unsupported media type");
        expectError(http.put("/v2/man/invalid/manifests/bad:tag!", good, "Content-Type", OCI), 400,
                "DIGEST_INVALID", "a reference with a colon that is no digest");
        expectError(http.put("/v2/man/invalid/manifests/-badtag", good, "Content-Type", OCI), 400,
                "MANIFEST_INVALID", "a tag that breaks the grammar");
    }

    @Test
    @DisplayName("end-7: a manifest over 4 MiB is 413")
    void tooLarge() {
        byte[] big = new byte[4 * 1024 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        HttpResponse<byte[]> r = http.put("/v2/man/big/manifests/x", big, "Content-Type", OCI);
        expectError(r, 413, "MANIFEST_INVALID", "oversized manifest");
    }

    @Test
    @DisplayName("end-7: a manifest naming blobs the repository lacks is 400 MANIFEST_BLOB_UNKNOWN")
    void missingBlobs() {
        byte[] manifest = Content.imageManifest(Digest.sha256(new byte[] {1}), 1, List.of(Digest.sha256(new byte[] {2})),
                List.of(1L));
        expectError(http.put("/v2/man/missing/manifests/x", manifest, "Content-Type", OCI), 400, "MANIFEST_BLOB_UNKNOWN",
                "config and layer never pushed");
        byte[] elsewhere = image("man/elsewhere", 54, "");
        expectError(http.put("/v2/man/missing/manifests/x", elsewhere, "Content-Type", OCI), 400, "MANIFEST_BLOB_UNKNOWN",
                "blobs pushed to another repository do not count");
    }

    @Test
    @DisplayName("end-7: a descriptor whose size differs from the stored blob's is 400 MANIFEST_INVALID naming it")
    void descriptorSizes() {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = new byte[10];
        Digest c = http.pushBlob("man/sizes", config);
        Digest l = http.pushBlob("man/sizes", layer);
        HttpResponse<byte[]> wrong = http.put("/v2/man/sizes/manifests/x",
                Content.imageManifest(c, 2, List.of(l), List.of(11L)), "Content-Type", OCI);
        expectError(wrong, 400, "MANIFEST_INVALID", "layer declared 11 bytes, 10 stored");
        assertTrue(new String(wrong.body(), StandardCharsets.UTF_8).contains("layers[0]"),
                "the error names the descriptor: " + new String(wrong.body(), StandardCharsets.UTF_8));
        expectError(http.put("/v2/man/sizes/manifests/x", Content.imageManifest(c, 3, List.of(l), List.of(10L)),
                "Content-Type", OCI), 400, "MANIFEST_INVALID", "config declared 3 bytes, 2 stored");
        expect(http.put("/v2/man/sizes/manifests/x", Content.imageManifest(c, 2, List.of(l), List.of(10L)),
                "Content-Type", OCI), 201, "the right sizes");
    }

    @Test
    @DisplayName("end-7: non-distributable layers with urls need not be pushed")
    void foreignLayers() {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        Digest c = http.pushBlob("man/foreign", config);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + OCI + "\",\"config\":"
                + Content.descriptor("application/vnd.oci.image.config.v1+json", c, 2) + ",\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip\",\"digest\":\""
                + Digest.sha256(new byte[] {42}) + "\",\"size\":1,\"urls\":[\"https://example.com/layer\"]}]}";
        expect(http.put("/v2/man/foreign/manifests/win", manifest.getBytes(StandardCharsets.UTF_8), "Content-Type", OCI),
                201, "layer with urls");
    }

    @Test
    @DisplayName("end-7: indexes, nested and empty, need their children present")
    void indexes() {
        byte[] child = image("man/index", 55, "");
        Digest childDigest = http.pushManifest("man/index", Digest.sha256(child).toString(), OCI, child);
        byte[] index = Content.index(List.of(childDigest), List.of((long) child.length), OCI);
        Digest indexDigest = http.pushManifest("man/index", "multi", INDEX, index);
        byte[] nested = Content.index(List.of(indexDigest), List.of((long) index.length), INDEX);
        http.pushManifest("man/index", "nested", INDEX, nested);
        http.pushManifest("man/index", "empty", INDEX, Content.index(List.of(), List.of(), OCI));
        assertBody(nested, http.get("/v2/man/index/manifests/nested"), "end-3: GET returns the stored index");
        assertEquals(INDEX, header(http.get("/v2/man/index/manifests/multi"), "Content-Type"));
        byte[] orphan = Content.index(List.of(Digest.sha256(new byte[] {5})), List.of(10L), OCI);
        expectError(http.put("/v2/man/index/manifests/orphan", orphan, "Content-Type", INDEX), 400,
                "MANIFEST_BLOB_UNKNOWN", "index over a manifest never pushed");
    }

    @Test
    @DisplayName("end-7: Docker schema 2 manifests and manifest lists")
    void dockerTypes() {
        byte[] config = "{\"docker\":true}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = Content.random(56, 100);
        Digest c = http.pushBlob("man/docker", config);
        Digest l = http.pushBlob("man/docker", layer);
        String type = MediaType.DOCKER_MANIFEST.value();
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + type + "\",\"config\":"
                + Content.descriptor("application/vnd.docker.container.image.v1+json", c, config.length)
                + ",\"layers\":[" + Content.descriptor("application/vnd.docker.image.rootfs.diff.tar.gzip", l, 100)
                + "]}").getBytes(StandardCharsets.UTF_8);
        Digest d = http.pushManifest("man/docker", "v2", type, manifest);
        String listType = MediaType.DOCKER_MANIFEST_LIST.value();
        byte[] list = ("{\"schemaVersion\":2,\"mediaType\":\"" + listType + "\",\"manifests\":[{\"mediaType\":\"" + type
                + "\",\"digest\":\"" + d + "\",\"size\":" + manifest.length
                + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}").getBytes(StandardCharsets.UTF_8);
        http.pushManifest("man/docker", "list", listType, list);
        assertEquals(listType, header(http.get("/v2/man/docker/manifests/list"), "Content-Type"));
    }

    @Test
    @DisplayName("end-9: DELETE by tag removes the tag; DELETE by digest removes manifest and tags")
    void deletes() {
        byte[] manifest = image("man/del", 57, "");
        Digest digest = http.pushManifest("man/del", "a", OCI, manifest);
        http.pushManifest("man/del", "b", OCI, manifest);
        expect(http.delete("/v2/man/del/manifests/a"), 202, "end-9 tag");
        expectError(http.get("/v2/man/del/manifests/a"), 404, "MANIFEST_UNKNOWN", "deleted tag");
        expect(http.get("/v2/man/del/manifests/" + digest), 200, "manifest stays after a tag delete");
        expect(http.delete("/v2/man/del/manifests/" + digest), 202, "end-9 digest");
        expectError(http.get("/v2/man/del/manifests/" + digest), 404, "MANIFEST_UNKNOWN", "deleted manifest");
        expectError(http.get("/v2/man/del/manifests/b"), 404, "MANIFEST_UNKNOWN", "tags of a deleted manifest");
        expectError(http.delete("/v2/man/del/manifests/" + digest), 404, "MANIFEST_UNKNOWN", "delete twice");
        expectError(http.delete("/v2/man/del/manifests/nope"), 404, "MANIFEST_UNKNOWN", "delete unknown tag");
    }
}
