// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.tck.HttpTester;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Step 3 of the backend author's journey: a jar in a directory, the unmodified server, a name on the command line. */
class PluginIT {
    @TempDir
    Path dir;

    @Test
    @DisplayName("the example backend's jar in --plugins is selected with --storage oci-layout and serves a push and pull")
    void pluginJar() throws Exception {
        Path plugins = pluginsWith("example.jar", "the example backend");
        Path layouts = dir.resolve("layouts");
        byte[] layer = "a layer stored by a plugin".getBytes();
        try (ServerProcess server = ServerProcess.start(List.of(), "--plugins", plugins.toString(),
                "--storage", "oci-layout", "-s", "root=" + layouts)) {
            byte[] manifest = new HttpTester(server.uri()).pushImage("plugged/app", "v1", layer);
            assertArrayEquals(manifest, new HttpTester(server.uri()).get("/v2/plugged/app/manifests/v1").body());
            assertArrayEquals(layer, new HttpTester(server.uri()).get("/v2/plugged/app/blobs/" + Digest.sha256(layer)).body());
            assertEquals("{\"repositories\":[\"plugged/app\"]}", new String(new HttpTester(server.uri()).get("/v2/_catalog").body()));
        }
        String index = Files.readString(layouts.resolve("plugged/app/index.json"));
        assertTrue(index.contains("\"org.opencontainers.image.ref.name\":\"v1\""), "written by the plugin: " + index);
        assertTrue(Files.exists(layouts.resolve("plugged/app/oci-layout")));
    }

    @Test
    @DisplayName("the backend built from docs/backends.md (--storage mine) serves a push, and after a restart the pull")
    void documentedBackend() throws Exception {
        Path plugins = pluginsWith("docs-backend.jar", "the documented backend");
        String root = "root=" + dir.resolve("mine");
        byte[] layer = "a layer kept by a journal".getBytes();
        byte[] manifest;
        try (ServerProcess server = ServerProcess.start(List.of(), "--plugins", plugins.toString(),
                "--storage", "mine", "-s", root)) {
            manifest = new HttpTester(server.uri()).pushImage("mine/app", "v1", layer);
        }
        try (ServerProcess server = ServerProcess.start(List.of(), "--plugins", plugins.toString(),
                "--storage", "mine", "-s", root)) {
            HttpTester http = new HttpTester(server.uri());
            assertArrayEquals(manifest, http.get("/v2/mine/app/manifests/v1").body(), "the journal kept the tag");
            assertArrayEquals(layer, http.get("/v2/mine/app/blobs/" + Digest.sha256(layer)).body());
        }
    }

    @Test
    @DisplayName("a blob-only plugin (--blobs blob-files) holds the blobs and disk the rest; read-only, it serves pulls"
            + " and refuses pushes")
    void blobPlugin() throws Exception {
        Skopeo.requireInstalled();
        Path plugins = pluginsWith("blob-example.jar", "the example blob plugin");
        Path blobs = dir.resolve("blobs");
        String data = dir.resolve("data").toString();
        Skopeo skopeo = new Skopeo(Files.createDirectories(dir.resolve("skopeo")));
        Path hello = Path.of("src/test/resources/images/hello").toAbsolutePath();
        try (ServerProcess server = ServerProcess.start(List.of(), "--plugins", plugins.toString(), "--data-dir", data,
                "--blobs", "blob-files", "--blobs-opt", "root=" + blobs)) {
            assertTrue(server.output().contains("blobs: blob-files"), server.output());
            skopeo.run("copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + hello + ":latest",
                    "docker://" + host(server) + "/plugged/hello:v1");
        }
        String manifest = Files.readString(hello.resolve("index.json")) // the hello layout's one manifest
                .replaceAll(".*\"digest\":\"sha256:([0-9a-f]+)\".*", "$1").strip();
        try (var image = Files.list(hello.resolve("blobs/sha256")); var stored = Files.list(blobs.resolve("content/sha256"))) {
            assertEquals(image.map(p -> p.getFileName().toString()).filter(hex -> !hex.equals(manifest))
                    .collect(Collectors.toSet()), stored.map(p -> p.getFileName().toString()).collect(Collectors.toSet()),
                    "the config and the layer are the plugin's files");
        }
        try (var onDisk = Files.walk(Path.of(data, "blobs"))) {
            assertEquals(List.of(), onDisk.filter(Files::isRegularFile).toList(), "disk holds manifests and tags, no blob");
        }

        Path pulled = dir.resolve("pulled");
        try (ServerProcess server = ServerProcess.start(List.of(), "--plugins", plugins.toString(), "--data-dir", data,
                "--blobs", "blob-files", "--blobs-opt", "root=" + blobs, "--blobs-opt", "read-only=true")) {
            skopeo.run("copy", "--src-tls-verify=false", "docker://" + host(server) + "/plugged/hello:v1",
                    "oci:" + pulled + ":v1");
            HttpTester http = new HttpTester(server.uri());
            HttpTester.expectError(http.send("POST", "/v2/plugged/hello/blobs/uploads/", new byte[0]), 405,
                    "UNSUPPORTED", "read-only blob handler");
        }
        assertTrue(Files.readString(pulled.resolve("index.json")).contains("sha256:" + manifest),
                "the image pulled through the read-only plugin is the one pushed");
    }

    /** A plugins directory holding the jar the build names in system property {@code property}. */
    private Path pluginsWith(String property, String what) throws java.io.IOException {
        Path jar = Path.of(System.getProperty(property));
        assertTrue(Files.isRegularFile(jar), what + " is packaged first: " + jar);
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(jar, plugins.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        return plugins;
    }

    private static String host(ServerProcess server) {
        return server.uri().getHost() + ":" + server.uri().getPort();
    }
}
