// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.tck.HttpTester;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 against the disk backend, then a restart on the same directory (issue: storage-disk). */
class CrashSafetyIT {
    @TempDir
    Path dir;

    private ServerProcess start() throws Exception {
        return ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(), "--no-request-log");
    }

    private static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    @DisplayName("everything acknowledged with 201 before kill -9 is served after restart")
    void acknowledgedWritesSurvive() throws Exception {
        List<byte[]> layers = new ArrayList<>();
        List<byte[]> manifests = new ArrayList<>();
        try (ServerProcess server = start()) {
            for (int i = 0; i < 20; i++) {
                byte[] layer = random(i, 10_000 + i * 997);
                layers.add(layer);
                manifests.add(new HttpTester(server.uri()).pushImage("crash/app" + (i % 3), "v" + i, layer));
            }
            server.kill9(); // right after the last 201
        }
        try (ServerProcess server = start()) {
            for (int i = 0; i < 20; i++) {
                String repo = "crash/app" + (i % 3);
                HttpResponse<byte[]> m = new HttpTester(server.uri()).get("/v2/" + repo + "/manifests/v" + i);
                assertEquals(200, m.statusCode(), "tag v" + i + " survives kill -9");
                assertArrayEquals(manifests.get(i), m.body());
                HttpResponse<byte[]> blob = new HttpTester(server.uri()).get("/v2/" + repo + "/blobs/" + Digest.sha256(layers.get(i)));
                assertArrayEquals(layers.get(i), blob.body(), "layer " + i + " survives kill -9");
            }
            String catalog = new String(new HttpTester(server.uri()).get("/v2/_catalog").body());
            assertEquals("{\"repositories\":[\"crash/app0\",\"crash/app1\",\"crash/app2\"]}", catalog);
        }
    }

    @Test
    @DisplayName("kill -9 in the middle of a single-request push leaves no partial blob and no litter")
    void midUploadKill() throws Exception {
        byte[] content = random(99, 8 * 1024 * 1024);
        Digest digest = Digest.sha256(content);
        try (ServerProcess server = start()) {
            try (Socket socket = RawHttp.connect(server.uri())) {
                OutputStream out = socket.getOutputStream();
                RawHttp.write(out, "POST /v2/crash/partial/blobs/uploads/?digest=" + digest + " HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Length: " + content.length + "\r\n\r\n");
                out.write(content, 0, content.length / 2);
                out.flush();
                awaitBytesUnder(dir.resolve("data/tmp")); // the put spools the body there until it is whole
                server.kill9();
            }
        }
        try (ServerProcess server = start()) {
            HttpResponse<byte[]> head = new HttpTester(server.uri()).send("HEAD", "/v2/crash/partial/blobs/" + digest, (byte[]) null);
            assertEquals(404, head.statusCode(), "a blob whose upload was killed is not visible");
            try (Stream<Path> blobs = Files.walk(dir.resolve("data/blobs"))) {
                assertEquals(0, blobs.filter(Files::isRegularFile).count(), "no partial content under blobs/");
            }
            try (Stream<Path> tmp = Files.list(dir.resolve("data/tmp"))) {
                assertEquals(0, tmp.count(), "tmp/ is cleared at start");
            }
            new HttpTester(server.uri()).pushBlob("crash/partial", content); // and the client can simply push again
            assertArrayEquals(content, new HttpTester(server.uri()).get("/v2/crash/partial/blobs/" + digest).body());
        }
    }

    @Test
    @DisplayName("a chunked upload survives kill -9 and resumes at the acknowledged offset")
    void chunkedUploadResumes() throws Exception {
        byte[] content = random(5, 3 * 1024 * 1024);
        Digest digest = Digest.sha256(content);
        int half = content.length / 2;
        String location;
        try (ServerProcess server = start()) {
            location = new HttpTester(server.uri()).send("POST", "/v2/crash/resume/blobs/uploads/", new byte[0])
                    .headers().firstValue("Location").orElseThrow();
            HttpResponse<byte[]> patch = new HttpTester(server.uri()).send("PATCH", location, java.util.Arrays.copyOf(content, half),
                    "Content-Range", "0-" + (half - 1));
            assertEquals(202, patch.statusCode());
            server.kill9();
        }
        try (ServerProcess server = start()) {
            HttpResponse<byte[]> status = new HttpTester(server.uri()).get(location);
            assertEquals(204, status.statusCode(), "the session is still there after kill -9");
            assertEquals("0-" + (half - 1), status.headers().firstValue("Range").orElse(null), "resumes where it was acked");
            HttpResponse<byte[]> put = new HttpTester(server.uri()).send("PUT", location + "?digest=" + digest,
                    java.util.Arrays.copyOfRange(content, half, content.length),
                    "Content-Range", half + "-" + (content.length - 1));
            assertEquals(201, put.statusCode(), new String(put.body()));
            assertArrayEquals(content, new HttpTester(server.uri()).get("/v2/crash/resume/blobs/" + digest).body());
        }
    }

    @Test
    @DisplayName("a blob file changed on disk is never served whole; the next request is BLOB_UNKNOWN")
    void bitRot() throws Exception {
        byte[] content = random(11, 1024 * 1024);
        Digest digest;
        try (ServerProcess server = start()) {
            digest = new HttpTester(server.uri()).pushBlob("crash/rot", content);
        }
        Path file = dir.resolve("data/blobs/sha256").resolve(digest.encoded().substring(0, 2)).resolve(digest.encoded());
        byte[] rotten = Files.readAllBytes(file);
        rotten[rotten.length / 2] ^= 0x01; // one flipped bit
        Files.write(file, rotten);
        try (ServerProcess server = start()) {
            try {
                HttpResponse<byte[]> r = new HttpTester(server.uri()).get("/v2/crash/rot/blobs/" + digest);
                assertTrue(r.statusCode() >= 500 || r.body().length < content.length,
                        "a corrupt blob must not arrive whole with 200; got " + r.statusCode() + " and " + r.body().length + " bytes");
            } catch (java.io.UncheckedIOException expected) {
                // the connection was cut before the last bytes: the client sees a failed download
            }
            HttpResponse<byte[]> again = new HttpTester(server.uri()).get("/v2/crash/rot/blobs/" + digest);
            assertEquals(404, again.statusCode(), "after detection the blob is quarantined");
            assertTrue(new String(again.body()).contains("BLOB_UNKNOWN"));
            assertTrue(Files.exists(dir.resolve("data/quarantine/sha256-" + digest.encoded())), "kept for inspection");
            new HttpTester(server.uri()).pushBlob("crash/rot", content); // a re-push repairs it
            assertArrayEquals(content, new HttpTester(server.uri()).get("/v2/crash/rot/blobs/" + digest).body());
        }
    }

    private static void awaitBytesUnder(Path where) throws Exception {
        for (int i = 0; i < 1000; i++) {
            try (Stream<Path> files = Files.walk(where)) {
                if (files.anyMatch(p -> Files.isRegularFile(p) && sizeOf(p) > 0)) {
                    return;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the server never started writing the blob under " + where);
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
