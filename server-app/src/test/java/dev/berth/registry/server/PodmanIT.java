// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.tck.HttpTester;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** podman (Debian) pulls an image and pushes it to another repository through the runnable server. */
class PodmanIT {
    @TempDir
    Path dir;

    private String podman(String... args) throws IOException, InterruptedException {
        return new Podman(dir).run(args);
    }

    @ParameterizedTest(name = "storage {0}")
    @ValueSource(strings = {"disk", "memory"})
    void pullAndPush(String storage) throws Exception {
        OciLayouts layout = new OciLayouts(dir.resolve("layout"));
        OciLayouts.Image image = layout.image("amd64", 2, 100_000, 3);
        layout.tag(image, OciLayouts.MANIFEST, "v1");
        Skopeo skopeo = new Skopeo(Files.createDirectories(dir.resolve("skopeo")));
        try (ServerProcess server = ServerProcess.start(List.of(), "--storage", storage,
                "--data-dir", dir.resolve("data").toString(), "--no-request-log")) {
            String host = server.uri().getHost() + ":" + server.uri().getPort();
            skopeo.run("copy", "--dest-tls-verify=false", "oci:" + layout.root() + ":v1", "docker://" + host + "/pod/src:v1");

            String pulled = podman("pull", "--tls-verify=false", host + "/pod/src:v1");
            String manifest = new String(image.manifest(), StandardCharsets.UTF_8);
            String configDigest = manifest.replaceAll(".*\"config\":\\{[^}]*\"digest\":\"sha256:([0-9a-f]{64})\".*", "$1");
            assertTrue(pulled.contains(configDigest), "podman's image id is the config digest: " + pulled);

            podman("push", "--tls-verify=false", host + "/pod/src:v1", host + "/pod/pushed:v2");
            assertEquals("{\"name\":\"pod/pushed\",\"tags\":[\"v2\"]}",
                    new String(new HttpTester(server.uri()).get("/v2/pod/pushed/tags/list").body()));
            for (Digest layer : image.layers()) {
                int status = new HttpTester(server.uri()).send("HEAD", "/v2/pod/pushed/blobs/" + layer, (byte[]) null).statusCode();
                assertEquals(200, status, "podman pushed layer " + layer);
            }
        }
    }
}
