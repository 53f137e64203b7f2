// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2 GiB blob pushed in one request and in chunks, and pulled back, through a server whose heap
 * is capped at 256 MiB: core and the disk backend stream, they never hold a blob.
 */
class LargeBlobIT {
    private static final long SIZE = 2L * 1024 * 1024 * 1024;
    private static final Pattern GC_AFTER = Pattern.compile("->(\\d+)M\\(");

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    @DisplayName("2 GiB monolithic and chunked push and pull with -Xmx256m")
    void twoGiB() throws Exception {
        Path gcLog = dir.resolve("gc.log");
        try (ServerProcess server = ServerProcess.start(List.of("-Xmx256m", "-Xlog:gc:file=" + gcLog),
                "--data-dir", dir.resolve("data").toString(), "--no-request-log")) {
            Digest monolithic = digestOf(1);
            long start = System.nanoTime();
            HttpResponse<String> post = send(server.uri(), "POST", "/v2/big/blob/blobs/uploads/?digest=" + monolithic,
                    body(1, 0, SIZE));
            assertEquals(201, post.statusCode(), post.body());
            report("monolithic push", start);

            Digest chunked = digestOf(2);
            start = System.nanoTime();
            String location = send(server.uri(), "POST", "/v2/big/blob/blobs/uploads/", HttpRequest.BodyPublishers.noBody())
                    .headers().firstValue("Location").orElseThrow();
            long chunk = 256L * 1024 * 1024;
            for (long offset = 0; offset < SIZE; offset += chunk) {
                HttpResponse<String> patch = send(server.uri(), "PATCH", location, body(2, offset, chunk),
                        "Content-Range", offset + "-" + (offset + chunk - 1));
                assertEquals(202, patch.statusCode(), patch.body());
                location = patch.headers().firstValue("Location").orElseThrow();
            }
            HttpResponse<String> put = send(server.uri(), "PUT", location + "?digest=" + chunked,
                    HttpRequest.BodyPublishers.noBody());
            assertEquals(201, put.statusCode(), put.body());
            report("chunked push (8 x 256 MiB)", start);

            for (Digest digest : List.of(monolithic, chunked)) {
                start = System.nanoTime();
                HttpResponse<InputStream> get = client.send(HttpRequest.newBuilder(
                        URI.create(server.uri() + "/v2/big/blob/blobs/" + digest)).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, get.statusCode());
                MessageDigest hash = MessageDigest.getInstance("SHA-256");
                long count = 0;
                try (InputStream in = get.body()) {
                    byte[] buffer = new byte[1 << 20];
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        hash.update(buffer, 0, n);
                        count += n;
                    }
                }
                assertEquals(SIZE, count);
                assertEquals(digest, Digest.of(Digest.Algorithm.SHA256, hash), "pulled bytes equal pushed bytes");
                report("pull", start);
            }
        }
        long maxAfterGc = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_AFTER.matcher(line);
            if (m.find()) {
                maxAfterGc = Math.max(maxAfterGc, Long.parseLong(m.group(1)));
            }
        }
        System.out.println("largest heap retained after a GC during 8 GiB of transfers: " + maxAfterGc + " MiB");
        assertTrue(maxAfterGc <= 48, "the heap retained after GC stays small while 2 GiB blobs stream: " + maxAfterGc + " MiB");
    }

    private static void report(String what, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("%s of 2 GiB: %.1f s, %.0f MB/s%n", what, seconds, SIZE / 1e6 / seconds);
    }

    private HttpResponse<String> send(URI base, String method, String path, HttpRequest.BodyPublisher body,
                                      String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method, body)
                .timeout(Duration.ofMinutes(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Bytes [offset, offset+length) of the generated content with this seed, with a Content-Length. */
    private static HttpRequest.BodyPublisher body(long seed, long offset, long length) {
        return HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> generated(seed, offset, length)), length);
    }

    private static Digest digestOf(long seed) throws IOException {
        MessageDigest hash = Digest.Algorithm.SHA256.newMessageDigest();
        try (InputStream in = generated(seed, 0, SIZE)) {
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                hash.update(buffer, 0, n);
            }
        }
        return Digest.of(Digest.Algorithm.SHA256, hash);
    }

    /** Content generated in 1 MiB blocks, each from its own seed, so any offset can be produced directly. */
    static InputStream generated(long seed, long offset, long length) {
        return new InputStream() {
            private final byte[] block = new byte[1 << 20];
            private long position = offset;
            private final long end = offset + length;
            private long blockIndex = -1;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= end) {
                    return -1;
                }
                long index = position >>> 20;
                if (index != blockIndex) {
                    SplittableRandom random = new SplittableRandom(seed * 1_000_003 + index);
                    for (int i = 0; i < block.length; i += 8) {
                        long v = random.nextLong();
                        for (int k = 0; k < 8; k++) {
                            block[i + k] = (byte) (v >>> (8 * k));
                        }
                    }
                    blockIndex = index;
                }
                int inBlock = (int) (position & ((1 << 20) - 1));
                int n = (int) Math.min(Math.min(len, block.length - inBlock), end - position);
                System.arraycopy(block, inBlock, b, off, n);
                position += n;
                return n;
            }
        };
    }
}
