// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static dev.berth.registry.server.SecurityIT.OCI;
import static dev.berth.registry.server.SecurityIT.expectError;
import static dev.berth.registry.server.SecurityIT.pkcs8;
import static dev.berth.registry.server.SecurityIT.send;
import static dev.berth.registry.server.SecurityIT.writePem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.jetty.Pem;
import dev.berth.registry.jetty.SelfSignedCertificate;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS (PEM files, self-signed, HTTP/2) and hardening against hostile clients on the packaged
 * server. Every refusal must be an OCI JSON error with the right status.
 */
class TransportSecurityIT {
    @TempDir
    Path dir;

    @Test
    @DisplayName("TLS from PEM files and self-signed, HTTP/2 where the client offers it")
    void tls() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.generate("localhost");
        Path chain = writePem(dir.resolve("chain.pem"), certificate.certificate());
        java.security.PrivateKey privateKey = (java.security.PrivateKey) certificate.keyStore().getKey("server",
                SelfSignedCertificate.PASSWORD);
        Path keyFile = writePem(dir.resolve("key.pem"), pkcs8(privateKey));
        HttpClient h2 = HttpClient.newBuilder().sslContext(certificate.trustingContext())
                .version(HttpClient.Version.HTTP_2).build();
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                "--tls-cert", chain.toString(), "--tls-key", keyFile.toString())) {
            URI https = URI.create(server.uri().toString().replace("://127.0.0.1", "://localhost"));
            HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create(https + "/v2/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, r.version(), "HTTP/2 negotiated by ALPN");
            HttpClient h1 = HttpClient.newBuilder().sslContext(certificate.trustingContext())
                    .version(HttpClient.Version.HTTP_1_1).build();
            assertEquals(HttpClient.Version.HTTP_1_1, h1.send(HttpRequest.newBuilder(URI.create(https + "/v2/")).build(),
                    HttpResponse.BodyHandlers.ofString()).version(), "HTTP/1.1 for clients that only speak it");
        }
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data2").toString(),
                "--tls-self-signed", "localhost")) {
            String line = server.output().lines().filter(l -> l.startsWith("Berth TLS certificate for localhost"))
                    .findFirst().orElseThrow(() -> new AssertionError("no certificate line in " + server.output()));
            Path crt = Path.of(line.replaceAll(".*: ", ""));
            java.security.cert.X509Certificate cert = Pem.certificates(crt).get(0);
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("berth", cert);
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            URI https = URI.create(server.uri().toString().replace("://127.0.0.1", "://localhost"));
            assertEquals(200, HttpClient.newBuilder().sslContext(context).build().send(
                    HttpRequest.newBuilder(URI.create(https + "/v2/")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode(), "the written certificate is the one served");
        }
    }

    @Test
    @DisplayName("Hardening: oversize headers, long names, traversal, session floods and slow clients get clear answers")
    void hardening() throws Exception {
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                "--max-uploads-per-client", "3", "--read-timeout", "2s", "--no-request-log", "--max-manifest-bytes",
                "4194304")) {
            URI base = server.uri();
            expectError(send(base, "GET", "/v2/", null, "X-Padding", "x".repeat(20_000)), 431, "UNSUPPORTED",
                    "20 kB of headers");
            expectError(send(base, "GET", "/v2/" + "a".repeat(256) + "/tags/list", null), 400, "NAME_INVALID",
                    "a 256-character repository name");
            expectError(send(base, "GET", "/v2/team/../secret/tags/list", null), 400, "NAME_INVALID", "path traversal");
            expectError(send(base, "GET", "/v2/team/%2e%2e/secret/tags/list", null), 400, "NAME_INVALID",
                    "encoded path traversal");
            expectError(send(base, "GET", "/v2/team/app/blobs/sha256:../../etc/passwd", null), 400, "NAME_INVALID",
                    "traversal in a digest");
            expectError(send(base, "GET", "/v2/team/app/blobs/sha256:" + "0".repeat(63) + "g", null), 400,
                    "DIGEST_INVALID", "a malformed digest");
            expectError(send(base, "PUT", "/v2/team/app/manifests/big", new byte[5 * 1024 * 1024], "Content-Type", OCI),
                    413, "MANIFEST_INVALID", "a 5 MiB manifest");

            List<String> sessions = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                HttpResponse<byte[]> r = send(base, "POST", "/v2/team/app/blobs/uploads/", new byte[0]);
                assertEquals(202, r.statusCode());
                sessions.add(r.headers().firstValue("Location").orElseThrow());
            }
            HttpResponse<byte[]> flood = send(base, "POST", "/v2/team/app/blobs/uploads/", new byte[0]);
            expectError(flood, 429, "TOOMANYREQUESTS", "a fourth open upload session");
            assertTrue(flood.headers().firstValue("Retry-After").isPresent());
            assertEquals(204, send(base, "DELETE", sessions.get(0), null).statusCode());
            assertEquals(202, send(base, "POST", "/v2/team/app/blobs/uploads/", new byte[0]).statusCode(),
                    "a cancelled session frees its slot");

            for (String slow : List.of("GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Slow: a",
                    "PUT /v2/team/app/manifests/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"schema")) {
                try (Socket socket = RawHttp.connect(base)) {
                    socket.setSoTimeout(15_000);
                    OutputStream out = socket.getOutputStream();
                    out.write(slow.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    long t0 = System.nanoTime();
                    InputStream in = socket.getInputStream();
                    byte[] sink = new byte[4096];
                    while (in.read(sink) >= 0) {
                        // an error response may come first; then the server closes
                    }
                    long waited = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(waited < 14_000, "a stalled client is cut off after the read timeout, waited " + waited + " ms");
                }
            }

            // a body that trickles one byte per second never trips the 2 s read timeout, but
            // falls under the minimum rate once the 10 s grace is over
            try (Socket socket = RawHttp.connect(base)) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v2/team/app/blobs/uploads/?digest=sha256:" + "0".repeat(64) + " HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.setSoTimeout(1000); // the pace of the trickle: one byte per read timeout
                InputStream in = socket.getInputStream();
                long t0 = System.nanoTime();
                boolean cut = false;
                for (int i = 0; i < 25 && !cut; i++) {
                    try {
                        out.write('x');
                        out.flush();
                        cut = in.read() != -2; // any answer or EOF: the server gave up on us
                    } catch (java.net.SocketTimeoutException e) {
                        // still reading our trickle
                    } catch (java.io.IOException e) {
                        cut = true; // reset
                    }
                }
                long waited = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(cut, "a trickling body is cut off");
                assertTrue(waited >= 9_000, "not before the 10 s grace: " + waited + " ms");
            }
        }
    }
}
