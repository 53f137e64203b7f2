// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.tck.HttpTester;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable server as an operator starts and stops it. */
class ServerLifecycleIT {
    @TempDir
    Path dir;

    @Test
    @DisplayName("java -jar serves /v2/ on the disk default, in the given data directory")
    void serves() throws Exception {
        Path data = dir.resolve("data");
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", data.toString())) {
            HttpResponse<byte[]> r = new HttpTester(server.uri()).get("/v2/");
            assertEquals(200, r.statusCode());
            assertEquals("registry/2.0", r.headers().firstValue("Docker-Distribution-API-Version").orElse(null));
            new HttpTester(server.uri()).pushImage("ops/app", "v1", new byte[] {1, 2, 3});
            assertTrue(Files.isDirectory(data.resolve("repositories/ops/app/_tags")), "data lands under --data-dir");
        }
    }

    @Test
    @DisplayName("an unknown storage name fails at start, listing the names found")
    void unknownStorage() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                ServerProcess.jar().toString(), "--storage", "nosuch", "--port", "0", "--host", "127.0.0.1")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("no storage provider named \"nosuch\"") && out.contains("disk") && out.contains("memory"),
                out);
    }

    @Test
    @DisplayName("SIGTERM lets an in-flight chunk finish and be acknowledged, then the server exits")
    void gracefulStop() throws Exception {
        Path data = dir.resolve("data");
        byte[] content = new byte[4 * 1024 * 1024];
        new Random(7).nextBytes(content);
        Digest digest = Digest.sha256(content);
        String location;
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", data.toString())) {
            location = new HttpTester(server.uri()).send("POST", "/v2/ops/graceful/blobs/uploads/", new byte[0])
                    .headers().firstValue("Location").orElseThrow();
            try (Socket socket = RawHttp.connect(server.uri())) {
                OutputStream out = socket.getOutputStream();
                RawHttp.write(out, "PATCH " + location + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                        + "Content-Range: 0-" + (content.length - 1) + "\r\nContent-Length: " + content.length + "\r\n\r\n");
                out.write(content, 0, content.length / 2);
                out.flush();
                awaitBytesReceived(server, location);
                server.sigterm(); // while the chunk is half sent
                server.awaitLine("Berth stopping", 30);
                out.write(content, content.length / 2, content.length - content.length / 2);
                out.flush();
                InputStream in = socket.getInputStream();
                assertEquals("HTTP/1.1 202 Accepted", RawHttp.statusLine(in), "the in-flight chunk is acknowledged");
            }
            assertTrue(server.process().waitFor(60, TimeUnit.SECONDS), "the server exits after SIGTERM");
        }
        try (ServerProcess restarted = ServerProcess.start(List.of(), "--data-dir", data.toString())) {
            HttpResponse<byte[]> put = new HttpTester(restarted.uri()).send("PUT", location + "?digest=" + digest, new byte[0]);
            assertEquals(201, put.statusCode(), "the acknowledged chunk survived the stop: " + new String(put.body()));
            assertArrayEquals(content, new HttpTester(restarted.uri()).get("/v2/ops/graceful/blobs/" + digest).body());
        }
    }

    /** Bounded poll of the upload status until the server has started storing the chunk. */
    private static void awaitBytesReceived(ServerProcess server, String location) throws Exception {
        for (int i = 0; i < 500; i++) {
            HttpResponse<byte[]> status = new HttpTester(server.uri()).get(location);
            String range = status.headers().firstValue("Range").orElse("0-0");
            if (!range.equals("0-0")) {
                return;
            }
            Thread.onSpinWait();
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new AssertionError("the server never started storing the chunk");
    }
}
