// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.tck.HttpTester;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server with {@code --sendfile}: blob bodies leave through {@code sendfile(2)}
 * behind Jetty's back, so these checks read the wire byte for byte: bodies, ranges across the
 * windows the file is sent in, several responses on one connection, a reader slower than the
 * socket, a reader that hangs up, and the file mappings released after each send.
 */
class SendfileIT {
    /** Small windows, so a 24 MiB blob crosses several (production uses 1 GiB). */
    private static final int WINDOW = 4 * 1024 * 1024;
    private static final String REPO = "zero/copy";

    @TempDir
    static Path dir;

    private static ServerProcess server;
    private static byte[] big;
    private static Digest bigDigest;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start(List.of("-Xmx256m", "-Dberth.sendfile.window=" + WINDOW),
                "--data-dir", dir.resolve("data").toString(), "--sendfile", "--no-request-log");
        big = new byte[6 * WINDOW + 12_345];
        new SplittableRandom(6).nextBytes(big);
        bigDigest = new HttpTester(server.uri()).pushBlob(REPO, big);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.close();
    }

    @Test
    @DisplayName("a blob larger than several windows arrives whole, with its Content-Length")
    void wholeBlob() throws Exception {
        try (Socket socket = RawHttp.connect(server.uri())) {
            Response r = get(socket, "/v2/" + REPO + "/blobs/" + bigDigest, "");
            assertEquals(200, r.status);
            assertEquals(String.valueOf(big.length), r.headers.get("content-length"));
            assertEquals(bigDigest, Digest.sha256(r.body));
        }
    }

    @Test
    @DisplayName("ranges inside, across and at the end of the send windows")
    void ranges() throws Exception {
        long[][] ranges = {{0, 0}, {WINDOW - 100, WINDOW + 99}, {3 * WINDOW - 7, 5 * WINDOW + 3},
                {big.length - 70_000, big.length - 1}};
        try (Socket socket = RawHttp.connect(server.uri())) {
            for (long[] range : ranges) {
                Response r = get(socket, "/v2/" + REPO + "/blobs/" + bigDigest,
                        "Range: bytes=" + range[0] + "-" + range[1] + "\r\n");
                assertEquals(206, r.status, "range " + Arrays.toString(range));
                assertArrayEquals(Arrays.copyOfRange(big, (int) range[0], (int) range[1] + 1), r.body,
                        "range " + Arrays.toString(range));
            }
        }
    }

    @Test
    @DisplayName("one connection carries blob, small blob, manifest and blob again, then HEAD")
    void keepAlive() throws Exception {
        byte[] small = "a blob under the sendfile threshold".getBytes(StandardCharsets.UTF_8);
        Digest smallDigest = new HttpTester(server.uri()).pushBlob(REPO, small);
        byte[] layer = new byte[200_000];
        new SplittableRandom(7).nextBytes(layer);
        byte[] manifest = new HttpTester(server.uri()).pushImage(REPO, "v1", layer);
        try (Socket socket = RawHttp.connect(server.uri())) {
            assertEquals(bigDigest, Digest.sha256(get(socket, "/v2/" + REPO + "/blobs/" + bigDigest, "").body));
            assertArrayEquals(small, get(socket, "/v2/" + REPO + "/blobs/" + smallDigest, "").body);
            assertArrayEquals(manifest, get(socket, "/v2/" + REPO + "/manifests/v1",
                    "Accept: application/vnd.oci.image.manifest.v1+json\r\n").body);
            assertArrayEquals(layer, get(socket, "/v2/" + REPO + "/blobs/" + Digest.sha256(layer), "").body);
            assertEquals(bigDigest, Digest.sha256(get(socket, "/v2/" + REPO + "/blobs/" + bigDigest, "").body));
            RawHttp.write(socket.getOutputStream(), "HEAD /v2/" + REPO + "/blobs/" + bigDigest
                    + " HTTP/1.1\r\nHost: x\r\n\r\n");
            Response head = readHead(socket.getInputStream());
            assertEquals(200, head.status);
            assertEquals(String.valueOf(big.length), head.headers.get("content-length"));
            // nothing follows a HEAD: the next response on the connection starts right away
            assertArrayEquals(small, get(socket, "/v2/" + REPO + "/blobs/" + smallDigest, "").body);
        }
    }

    @Test
    @DisplayName("a reader slower than the socket gets every byte (the server waits for room)")
    void slowReader() throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.setSoTimeout(60_000);
            socket.connect(new java.net.InetSocketAddress(server.uri().getHost(), server.uri().getPort()));
            RawHttp.write(socket.getOutputStream(), "GET /v2/" + REPO + "/blobs/" + bigDigest
                    + " HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = socket.getInputStream();
            Response r = readHead(in);
            assertEquals(200, r.status);
            byte[] body = new byte[big.length];
            int got = 0;
            int reads = 0;
            while (got < body.length) {
                int n = in.read(body, got, Math.min(32 * 1024, body.length - got));
                assertTrue(n > 0, "connection ended after " + got + " bytes");
                got += n;
                if (++reads % 16 == 0) {
                    Thread.sleep(5); // keep the server's send buffer full, so it has to wait
                }
            }
            assertEquals(bigDigest, Digest.sha256(body));
        }
    }

    @Test
    @DisplayName("readers hanging up mid-body leave the server serving and no mapping behind")
    void hangUpsAndMappings() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (Socket socket = RawHttp.connect(server.uri())) {
                RawHttp.write(socket.getOutputStream(), "GET /v2/" + REPO + "/blobs/" + bigDigest
                        + " HTTP/1.1\r\nHost: x\r\n\r\n");
                InputStream in = socket.getInputStream();
                assertEquals(200, readHead(in).status);
                in.readNBytes(100_000 * (i + 1));
                socket.setSoLinger(true, 0); // reset, not a polite close
            }
        }
        for (int i = 0; i < 20; i++) {
            try (Socket socket = RawHttp.connect(server.uri())) {
                assertEquals(bigDigest, Digest.sha256(get(socket, "/v2/" + REPO + "/blobs/" + bigDigest, "").body));
            }
        }
        assertTrue(server.process().isAlive());
        // every window was unmapped when its send ended, not left for a garbage collection
        Path maps = Path.of("/proc", String.valueOf(server.process().pid()), "maps");
        String hex = bigDigest.encoded();
        long mapped = 0;
        for (int attempt = 0; attempt < 50; attempt++) {
            mapped = Files.readAllLines(maps).stream().filter(line -> line.contains(hex)).count();
            if (mapped == 0) {
                break;
            }
            Thread.sleep(100); // a reset send may still be unwinding on its server thread
        }
        assertEquals(0, mapped, "mappings of the blob file still in the server's address space");
    }

    private record Response(int status, Map<String, String> headers, byte[] body) {
    }

    private static Response get(Socket socket, String path, String extraHeaders) throws IOException {
        OutputStream out = socket.getOutputStream();
        RawHttp.write(out, "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + extraHeaders + "\r\n");
        InputStream in = socket.getInputStream();
        Response head = readHead(in);
        String length = head.headers.get("content-length");
        if (length == null) {
            throw new AssertionError("no Content-Length: " + head.headers);
        }
        byte[] body = in.readNBytes(Integer.parseInt(length));
        assertEquals(Integer.parseInt(length), body.length, "body ended early");
        return new Response(head.status, head.headers, body);
    }

    private static Response readHead(InputStream in) throws IOException {
        String status = RawHttp.statusLine(in);
        Map<String, String> headers = new LinkedHashMap<>();
        while (true) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.write(c);
            }
            String text = line.toString(StandardCharsets.US_ASCII).trim();
            if (text.isEmpty()) {
                break;
            }
            int colon = text.indexOf(':');
            headers.put(text.substring(0, colon).trim().toLowerCase(Locale.ROOT), text.substring(colon + 1).trim());
        }
        String[] parts = status.split(" ");
        if (parts.length < 2) {
            throw new AssertionError("no status line: \"" + status + "\"");
        }
        return new Response(Integer.parseInt(parts[1]), headers, new byte[0]);
    }
}
