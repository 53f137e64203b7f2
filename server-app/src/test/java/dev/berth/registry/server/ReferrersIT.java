// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.api.Tag;
import dev.berth.registry.tck.HttpTester;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artifacts with a subject (signatures, SBOMs) pushed by skopeo: found through the referrers API,
 * and, on a server with the API off, through the referrers tag schema older clients maintain.
 */
class ReferrersIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void skopeoPresent() throws Exception {
        Skopeo.requireInstalled();
    }

    @Test
    void referrersApiAndTagSchema() throws Exception {
        OciLayouts layout = new OciLayouts(dir.resolve("layout"));
        OciLayouts.Image image = layout.image("amd64", 1, 10_000, 7);
        OciLayouts.Image sbom = layout.artifact("application/vnd.example.sbom.v1", "{\"sbom\":true}".getBytes(), image);
        // what an older client pushes when the referrers API is missing: an index under sha256-<hex>
        OciLayouts.Image fallback = layout.referrersIndex(sbom, "application/vnd.example.sbom.v1");
        layout.tag(image, OciLayouts.MANIFEST, "v1");
        layout.tag(sbom, OciLayouts.MANIFEST, "sbom");
        Tag schemaTag = Tag.referrersTag(image.digest());
        layout.tag(fallback, OciLayouts.INDEX, schemaTag.value());
        Skopeo skopeo = new Skopeo(Files.createDirectories(dir.resolve("skopeo")));
        String src = "oci:" + layout.root() + ":";

        try (ServerProcess server = ServerProcess.start(List.of(), "--storage", "disk",
                "--data-dir", dir.resolve("with-api").toString(), "--no-request-log")) {
            String repo = "docker://" + server.uri().getHost() + ":" + server.uri().getPort() + "/art/app";
            skopeo.run("copy", "--preserve-digests", "--dest-tls-verify=false", src + "v1", repo + ":v1");
            skopeo.run("copy", "--preserve-digests", "--dest-tls-verify=false", src + "sbom", repo + ":sbom");
            JsonNode referrers = JSON.readTree(new HttpTester(server.uri()).get("/v2/art/app/referrers/" + image.digest()).body());
            assertEquals(1, referrers.get("manifests").size(), referrers.toString());
            JsonNode entry = referrers.get("manifests").get(0);
            assertEquals(sbom.digest().toString(), entry.get("digest").asText());
            assertEquals("application/vnd.example.sbom.v1", entry.get("artifactType").asText());
            assertEquals("2026-11-27T00:00:00Z", entry.get("annotations").get("org.opencontainers.image.created").asText());
        }

        try (ServerProcess server = ServerProcess.start(List.of(), "--storage", "disk", "--no-referrers",
                "--data-dir", dir.resolve("without-api").toString(), "--no-request-log")) {
            String repo = "docker://" + server.uri().getHost() + ":" + server.uri().getPort() + "/art/app";
            skopeo.run("copy", "--preserve-digests", "--dest-tls-verify=false", src + "v1", repo + ":v1");
            skopeo.run("copy", "--preserve-digests", "--dest-tls-verify=false", src + "sbom", repo + ":sbom");
            // the client's fallback step (spec: pushing manifests with subject, step 6) is a plain PUT
            // of the referrers list; skopeo 1.9 will not copy a platform-less index with preserved digests
            int put = new HttpTester(server.uri()).send("PUT", "/v2/art/app/manifests/" + schemaTag.value(), fallback.manifest(),
                    "Content-Type", OciLayouts.INDEX).statusCode();
            assertEquals(201, put);
            assertEquals(404, new HttpTester(server.uri()).get("/v2/art/app/referrers/" + image.digest()).statusCode(),
                    "the API is off, so clients fall back to the tag schema");
            String found = skopeo.run("inspect", "--raw", "--tls-verify=false", repo + ":" + schemaTag.value());
            assertArrayEquals(fallback.manifest(), found.getBytes(StandardCharsets.UTF_8), "the fallback index is served");
            assertEquals(sbom.digest().toString(), JSON.readTree(found).get("manifests").get(0).get("digest").asText());
        }
    }
}
