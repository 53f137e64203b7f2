// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static dev.berth.registry.tck.HttpTester.expect;
import static dev.berth.registry.tck.HttpTester.expectError;
import static dev.berth.registry.tck.HttpTester.header;
import static dev.berth.registry.tck.HttpTester.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** end-3, end-7, end-8, end-9, end-12 and _catalog over HTTP. */
abstract class ManifestProtocol extends ProtocolContracts {
    static final String OCI = MediaType.OCI_MANIFEST.value();
    static final String INDEX = MediaType.OCI_INDEX.value();

    /** Pushes a config and one layer to {@code repo} and returns an image manifest over them. */
    byte[] image(String repo, long seed, String extra) {
        byte[] config = ("{\"seed\":" + seed + "}").getBytes(StandardCharsets.UTF_8);
        byte[] layer = Content.random(seed, 2000);
        Digest c = http.pushBlob(repo, config);
        Digest l = http.pushBlob(repo, layer);
        return Content.imageManifest(c, config.length, List.of(l), List.of((long) layer.length), extra);
    }

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
            assertArrayEquals(manifest, get.body(), "end-7: stored in the exact byte representation, unknown fields too");
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
            assertArrayEquals(manifest, http.get("/v2/man/tags/manifests/" + tag).body(), "tag " + tag + " set");
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
        assertArrayEquals(nested, http.get("/v2/man/index/manifests/nested").body());
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

    @Test
    @DisplayName("end-8a, end-8b: tags/list in order with n, last and Link; unknown repository is 404")
    void tagsList() {
        byte[] manifest = image("man/list", 58, "");
        Digest digest = Digest.sha256(manifest);
        http.pushManifest("man/list", digest.toString(), OCI, manifest);
        List<String> tags = List.of("b", "a", "C", "1", "latest");
        for (String t : tags) {
            http.pushManifest("man/list", t, OCI, manifest);
        }
        List<String> sorted = new ArrayList<>(tags);
        java.util.Collections.sort(sorted);
        JsonNode all = json(http.get("/v2/man/list/tags/list"));
        assertEquals("man/list", all.get("name").asText());
        assertEquals(sorted, names(all.get("tags")), "end-8a: ASCIIbetical order");
        List<String> walked = new ArrayList<>();
        String next = "/v2/man/list/tags/list?n=2";
        for (int i = 0; i < 10 && next != null; i++) {
            HttpResponse<byte[]> page = http.get(next);
            expect(page, 200, "end-8b page");
            walked.addAll(names(json(page).get("tags")));
            next = page.headers().firstValue("Link").map(l -> l.substring(1, l.indexOf('>'))).orElse(null);
        }
        assertEquals(sorted, walked, "end-8b: following Link headers lists every tag once");
        assertEquals(List.of("b", "latest"), names(json(http.get("/v2/man/list/tags/list?last=a")).get("tags")),
                "end-8b: last without n");
        assertEquals(List.of("b", "latest"), names(json(http.get("/v2/man/list/tags/list?last=a~")).get("tags")),
                "end-8b: last is a position compared as a string, even one that is no valid tag");
        assertEquals(sorted, names(json(http.get("/v2/man/list/tags/list?last=%21")).get("tags")),
                "end-8b: an invalid last sorting before every tag lists them all, never 400");
        HttpResponse<byte[]> zero = http.get("/v2/man/list/tags/list?n=0");
        assertEquals(List.of(), names(json(zero).get("tags")), "n=0 is an empty list");
        assertTrue(zero.headers().firstValue("Link").isEmpty(), "n=0 has no Link");
        expectError(http.get("/v2/man/never/tags/list"), 404, "NAME_UNKNOWN", "end-8a unknown repository");
        expectError(http.get("/v2/man/list/tags/list?n=-1"), 400, "UNSUPPORTED", "negative n");
    }

    @Test
    @DisplayName("catalog: lists repositories with pagination")
    void catalog() {
        for (String repo : List.of("cat/b", "cat/a", "cat/c/d")) {
            http.pushBlob(repo, repo.getBytes(StandardCharsets.UTF_8));
        }
        List<String> walked = new ArrayList<>();
        String next = "/v2/_catalog?n=1";
        for (int i = 0; i < 20 && next != null; i++) {
            HttpResponse<byte[]> page = http.get(next);
            expect(page, 200, "catalog page");
            walked.addAll(names(json(page).get("repositories")));
            next = page.headers().firstValue("Link").map(l -> l.substring(1, l.indexOf('>'))).orElse(null);
        }
        assertEquals(List.of("cat/a", "cat/b", "cat/c/d"), walked, "catalog in order, one per page");
        assertEquals(List.of("cat/b", "cat/c/d"), names(json(http.get("/v2/_catalog?last=cat/a%21")).get("repositories")),
                "last is a position compared as a string, even one that is no valid name, never 400");
        assertEquals(List.of("cat/a"), names(json(http.get("/v2/_catalog?n=1&last=CAT")).get("repositories")),
                "an invalid last sorting before every name starts at the beginning");
    }

    @Test
    @DisplayName("end-12: referrers list manifests with a subject, filter by artifactType, 200 when none")
    void referrers() {
        byte[] subject = image("man/ref", 59, "");
        Digest subjectDigest = http.pushManifest("man/ref", "app", OCI, subject);
        HttpResponse<byte[]> none = http.get("/v2/man/ref/referrers/" + subjectDigest);
        expect(none, 200, "end-12 with no referrers");
        assertEquals(INDEX, header(none, "Content-Type"));
        assertEquals(0, json(none).get("manifests").size());
        Digest emptyConfig = http.pushBlob("man/ref", "{}".getBytes(StandardCharsets.UTF_8));
        String subjectField = ",\"subject\":" + Content.descriptor(OCI, subjectDigest, subject.length);
        byte[] sbom = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI + "\",\"artifactType\":\"application/vnd.example.sbom\","
                + "\"config\":" + Content.descriptor("application/vnd.oci.empty.v1+json", emptyConfig, 2)
                + ",\"layers\":[]" + subjectField + ",\"annotations\":{\"org.example\":\"yes\"}}")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> put = http.put("/v2/man/ref/manifests/" + Digest.sha256(sbom), sbom, "Content-Type", OCI);
        expect(put, 201, "push a referrer");
        assertEquals(subjectDigest.toString(), header(put, "OCI-Subject"), "OCI-Subject on PUT with subject");
        byte[] sig = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI + "\",\"config\":"
                + Content.descriptor("application/vnd.example.sig.config", emptyConfig, 2) + ",\"layers\":[]"
                + subjectField + "}").getBytes(StandardCharsets.UTF_8);
        http.pushManifest("man/ref", Digest.sha256(sig).toString(), OCI, sig);
        JsonNode listed = json(http.get("/v2/man/ref/referrers/" + subjectDigest));
        assertEquals(2, listed.get("manifests").size(), "both referrers listed");
        for (JsonNode d : listed.get("manifests")) {
            if (d.get("digest").asText().equals(Digest.sha256(sbom).toString())) {
                assertEquals("application/vnd.example.sbom", d.get("artifactType").asText());
                assertEquals("yes", d.get("annotations").get("org.example").asText());
                assertEquals(sbom.length, d.get("size").asInt());
            } else {
                assertEquals("application/vnd.example.sig.config", d.get("artifactType").asText(),
                        "without artifactType, the config media type is listed");
            }
        }
        HttpResponse<byte[]> filtered = http.get("/v2/man/ref/referrers/" + subjectDigest
                + "?artifactType=application/vnd.example.sbom");
        assertEquals("artifactType", header(filtered, "OCI-Filters-Applied"));
        assertEquals(1, json(filtered).get("manifests").size(), "end-12b filter");
        expectError(http.get("/v2/man/ref/referrers/sha256:nothex"), 400, "DIGEST_INVALID", "end-12 bad digest");
        HttpResponse<byte[]> dangling = http.get("/v2/man/ref/referrers/" + Digest.sha256(new byte[] {1}));
        expect(dangling, 200, "end-12: never 404");
    }

    @Test
    @DisplayName("end-7: a manifest whose subject does not exist yet is accepted")
    void subjectFirst() {
        Digest cfg = http.pushBlob("man/early", "{}".getBytes(StandardCharsets.UTF_8));
        Digest future = Digest.sha256("not pushed yet".getBytes(StandardCharsets.UTF_8));
        byte[] art = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI + "\",\"artifactType\":\"application/x.a\",\"config\":"
                + Content.descriptor("application/vnd.oci.empty.v1+json", cfg, 2) + ",\"layers\":[],\"subject\":"
                + Content.descriptor(OCI, future, 14) + "}").getBytes(StandardCharsets.UTF_8);
        http.pushManifest("man/early", Digest.sha256(art).toString(), OCI, art);
        assertEquals(1, json(http.get("/v2/man/early/referrers/" + future)).get("manifests").size());
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }
}
