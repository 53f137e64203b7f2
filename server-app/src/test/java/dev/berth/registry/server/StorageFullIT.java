// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.tck.HttpTester;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory that fills up: a clear answer, one log line per refusal, a metric, nothing partial. */
class StorageFullIT {
    @TempDir
    Path dir;

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @Test
    @DisplayName("a push into a full disk answers 507 with a clear message, logs one line naming the cause, counts it")
    void fullDisk() throws Exception {
        Path small = Files.createDirectories(dir.resolve("small"));
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", small.toString()) == 0,
                "needs root to mount a 4 MiB tmpfs (CI and scripts/test.sh run as root)");
        try (ServerProcess server = ServerProcess.start(List.of(), "-d", small.resolve("data").toString(),
                "--admin-address", "127.0.0.1:0", "--gc-interval", "off")) {
            Random random = new Random(7);
            byte[] first = new byte[2 << 20];
            random.nextBytes(first);
            new HttpTester(server.uri()).pushBlob("full/app", first);
            byte[] second = new byte[3 << 20];
            random.nextBytes(second);
            Digest digest = Digest.sha256(second);
            for (int attempt = 0; attempt < 2; attempt++) {
                HttpResponse<byte[]> refused = new HttpTester(server.uri()).send("POST",
                        "/v2/full/app/blobs/uploads/?digest=" + digest, second);
                String body = new String(refused.body(), StandardCharsets.UTF_8);
                assertEquals(507, refused.statusCode(), body);
                assertTrue(body.contains("\"errors\"") && body.contains("storage is full"), body);
            }
            assertEquals(404, new HttpTester(server.uri()).send("HEAD", "/v2/full/app/blobs/" + digest, (byte[]) null).statusCode(),
                    "nothing partial is visible");
            // the refusal's metric is recorded just before its access-log line, after the client has the answer
            server.awaitLines(List.of("status=507", "status=507"), 10);
            String output = server.output();
            long lines = output.lines().filter(l -> l.contains("storage full: POST")).count();
            assertEquals(2, lines, output);
            assertTrue(output.lines().noneMatch(l -> l.trim().startsWith("at java.")), "no stack trace:\n" + output);

            String metrics = new String(new HttpTester(GcIT.adminUri(server)).get("/metrics").body(), StandardCharsets.UTF_8);
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("berth_storage_full_total") && l.endsWith(" 2.0")),
                    metrics.lines().filter(l -> l.contains("storage_full")).toList().toString());
        } finally {
            run("umount", "-l", small.toString());
        }
    }
}
