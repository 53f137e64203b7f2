// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md's first command starts the packaged server as written (its JVM options, no server
 * options: loopback, the disk default), and the curl tour then runs against it line for line,
 * with the answers its comments promise.
 */
class ReadmeTourIT {
    @TempDir
    Path dir;

    @Test
    void theReadmeCommandServesAndTheTourGetsWhatItsCommentsSay() throws Exception {
        List<DocBlocks.Block> blocks = DocBlocks.shell(DocBlocks.ROOT.resolve("README.md"));
        String serve = blocks.get(0).text().lines().findFirst().orElseThrow().split("#")[0];
        String java = serve.substring(serve.indexOf("&& ") + 3).trim();
        List<String> words = Arrays.asList(java.split("\\s+"));
        assertEquals(List.of("java"), words.subList(0, 1), "README's first command runs java: " + java);
        assertEquals("server-app/target/berth.jar", words.get(words.size() - 1), "…on the packaged jar: " + java);
        List<String> jvmOptions = new ArrayList<>(words.subList(1, words.size() - 2)); // up to "-jar JAR"
        try (ServerProcess server = ServerProcess.startOnAnyPort(jvmOptions, "--data-dir",
                dir.resolve("registry-data").toString())) {
            assertTrue(server.output().contains("this machine only"), server.output());
            String tour = blocks.get(1).text().replaceFirst("R=http://127.0.0.1:5000\n",
                    "R=" + server.uri().toString().replaceAll("/$", "") + "\n");
            Process bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", tour).directory(dir.toFile())
                    .redirectErrorStream(true).start();
            assertTrue(bash.waitFor(60, TimeUnit.SECONDS), "the tour finishes");
            String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, bash.exitValue(), out);
            List<String> lines = out.lines().toList();
            assertEquals("{}", lines.get(0), out);
            assertEquals(List.of("201", "201"), lines.subList(1, 3), "both one-request pushes: " + out);
            assertTrue(lines.get(3).toLowerCase().startsWith("docker-content-digest: sha256:"), out);
            assertTrue(lines.get(4).startsWith("{\"schemaVersion\":2"), out);
            assertEquals("hello, registry", lines.get(5), out);
            assertEquals("{\"name\":\"demo/hello\",\"tags\":[\"v1\"]}", lines.get(6), out);
            assertEquals("{\"repositories\":[\"demo/hello\"]}", lines.get(7), out);
            assertTrue(lines.get(8).startsWith("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\""), out);
            assertTrue(lines.get(9).startsWith("{\"errors\":[{\"code\":\"NAME_INVALID\""), out);
            assertTrue(Files.isRegularFile(dir.resolve("layer.bin")), "the tour ran in its own directory");
        }
    }
}
