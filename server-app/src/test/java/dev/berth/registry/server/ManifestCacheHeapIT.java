// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.api.Digest;
import dev.berth.registry.tck.HttpTester;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk backend's manifest cache is bounded by the heap it runs in, not by a figure that only fits a large one. */
class ManifestCacheHeapIT {
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    @TempDir
    Path dir;

    @Test
    @DisplayName("with -Xmx64m, 24 distinct 3.5 MiB manifests are stored and served: the cache makes room, the heap never runs out")
    void largeManifestsInASmallHeap() throws Exception {
        try (ServerProcess server = ServerProcess.start(List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx64m"),
                "--data-dir", dir.resolve("data").toString(), "--access-log", "off")) {
            HttpTester http = new HttpTester(server.uri());
            Digest config = http.pushBlob("big/app", "{}".getBytes(StandardCharsets.UTF_8));
            List<byte[]> manifests = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                        + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config + "\",\"size\":2},"
                        + "\"layers\":[],\"annotations\":{\"pad\":\"" + i + "x".repeat(3_600_000) + "\"}}")
                        .getBytes(StandardCharsets.UTF_8);
                http.pushManifest("big/app", "t" + i, OCI_MANIFEST, manifest);
                manifests.add(manifest);
            }
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < manifests.size(); i++) {
                    HttpResponse<byte[]> got = http.get("/v2/big/app/manifests/t" + i, "Accept", OCI_MANIFEST);
                    assertEquals(200, got.statusCode(), "t" + i);
                    assertArrayEquals(manifests.get(i), got.body(), "t" + i);
                }
            }
        }
    }
}
