// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static dev.berth.registry.tck.HttpTester.expect;
import static dev.berth.registry.tck.HttpTester.expectError;
import static dev.berth.registry.tck.HttpTester.header;
import static dev.berth.registry.tck.HttpTester.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.api.Digest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** end-8, end-12 and _catalog over HTTP: the listings of tags, repositories and referrers. */
abstract class ListingProtocol extends ProtocolContracts {
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
            if (blobHandler().isPresent()) { // the store lists repositories by their manifests; blobs live in the handler
                http.pushManifest(repo, "v1", OCI, image(repo, repo.length(), ""));
            } else {
                http.pushBlob(repo, repo.getBytes(StandardCharsets.UTF_8));
            }
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
