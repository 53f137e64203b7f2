// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.api.Digest;
import dev.berth.registry.tck.HttpTester;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** skopeo (Debian) pushes, inspects, lists, pulls, copies and deletes through the runnable server. */
class SkopeoIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void skopeoPresent() throws Exception {
        Skopeo.requireInstalled();
    }

    @ParameterizedTest(name = "storage {0}")
    @ValueSource(strings = {"disk", "memory"})
    void skopeoRoundTrips(String storage) throws Exception {
        OciLayouts layout = new OciLayouts(dir.resolve("layout"));
        OciLayouts.Image amd64 = layout.image("amd64", 4, 300_000, 1);
        OciLayouts.Image arm64 = layout.image("arm64", 3, 200_000, 2);
        OciLayouts.Image index = layout.index(List.of(amd64, arm64), List.of("amd64", "arm64"));
        layout.tag(amd64, OciLayouts.MANIFEST, "single");
        layout.tag(index, OciLayouts.INDEX, "multi");
        Skopeo skopeo = new Skopeo(Files.createDirectories(dir.resolve("skopeo")));
        Path sharedCache = Files.createDirectories(dir.resolve("shared-cache"));

        try (ServerProcess server = ServerProcess.start(List.of(), "--storage", storage,
                "--data-dir", dir.resolve("data").toString())) {
            String host = server.uri().getHost() + ":" + server.uri().getPort();
            String app = "docker://" + host + "/real/app";
            String src = "oci:" + layout.root() + ":";

            // push: a multi-layer image, and a two-platform index with --all
            skopeo.runWithCache(sharedCache, "copy", "--preserve-digests", "--dest-tls-verify=false", src + "single",
                    app + ":single");
            skopeo.run("copy", "--all", "--preserve-digests", "--dest-tls-verify=false", src + "multi", app + ":multi");
            HttpResponse<byte[]> single = new HttpTester(server.uri()).get("/v2/real/app/manifests/single");
            assertEquals(amd64.digest().toString(), single.headers().firstValue("Docker-Content-Digest").orElse(null));
            assertArrayEquals(amd64.manifest(), single.body(), "the pushed manifest is stored byte for byte");
            assertArrayEquals(index.manifest(), new HttpTester(server.uri()).get("/v2/real/app/manifests/multi").body());
            assertEquals(200, new HttpTester(server.uri()).get("/v2/real/app/manifests/" + arm64.digest()).statusCode(),
                    "--all pushed the arm64 image too");

            // inspect and list-tags
            JsonNode inspected = JSON.readTree(skopeo.run("inspect", "--tls-verify=false", app + ":single"));
            assertEquals(amd64.digest().toString(), inspected.get("Digest").asText());
            List<String> layers = new ArrayList<>();
            inspected.get("Layers").forEach(l -> layers.add(l.asText()));
            assertEquals(amd64.layers().stream().map(Digest::toString).toList(), layers);
            assertArrayEquals(index.manifest(), skopeo.run("inspect", "--raw", "--tls-verify=false", app + ":multi")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            JsonNode tags = JSON.readTree(skopeo.run("list-tags", "--tls-verify=false", app));
            assertEquals("[\"multi\",\"single\"]", tags.get("Tags").toString());

            // pull both back into fresh layouts: same digests
            Path pulled = dir.resolve("pulled");
            skopeo.run("copy", "--preserve-digests", "--src-tls-verify=false", app + ":single", "oci:" + pulled + ":single");
            skopeo.run("copy", "--all", "--preserve-digests", "--src-tls-verify=false", app + ":multi",
                    "oci:" + pulled + ":multi");
            String pulledIndex = Files.readString(pulled.resolve("index.json"));
            assertTrue(pulledIndex.contains(amd64.digest().toString()) && pulledIndex.contains(index.digest().toString()),
                    "pulled digests equal pushed digests: " + pulledIndex);
            for (Digest layer : amd64.layers()) {
                assertTrue(Files.exists(pulled.resolve("blobs/sha256").resolve(layer.encoded())), "layer " + layer + " pulled");
            }

            // copy to another repository of the same registry: the cache knows real/app, so blobs are mounted
            skopeo.runWithCache(sharedCache, "copy", "--preserve-digests", "--dest-tls-verify=false", src + "single",
                    "docker://" + host + "/real/copy:single");
            String mount = server.awaitLine("path=/v2/real/copy/blobs/uploads/?from=real%2Fapp&mount=", 30);
            assertTrue(mount.contains(" status=201 ") && mount.contains(" method=POST "),
                    "the cross-repository mount succeeds: " + mount);
            assertArrayEquals(amd64.manifest(), new HttpTester(server.uri()).get("/v2/real/copy/manifests/single").body());
            for (Digest layer : amd64.layers()) {
                assertEquals(200, new HttpTester(server.uri()).send("HEAD", "/v2/real/copy/blobs/" + layer, (byte[]) null).statusCode());
            }

            // delete
            skopeo.run("delete", "--tls-verify=false", app + ":single");
            assertEquals(404, new HttpTester(server.uri()).get("/v2/real/app/manifests/" + amd64.digest()).statusCode());
            assertEquals(404, new HttpTester(server.uri()).get("/v2/real/app/manifests/single").statusCode());
            assertEquals(200, new HttpTester(server.uri()).get("/v2/real/app/manifests/multi").statusCode(), "the index stays");
        }
    }
}
