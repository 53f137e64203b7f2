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
        Path example = Path.of(System.getProperty("example.jar"));
        assertTrue(Files.isRegularFile(example), "the example backend is packaged first: " + example);
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(example, plugins.resolve(example.getFileName()), StandardCopyOption.REPLACE_EXISTING);
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
}
