// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS helper for tools: certificate files, a real client verifying them, HTTP/2 for the JDK client. */
class TlsTest {
    @Test
    @DisplayName("writeTrustFiles: the PEM, the PKCS#12 trust store and certs.d/HOST:PORT/ca.crt all hold the certificate")
    void trustFiles(@TempDir Path dir) throws Exception {
        try (TlsRegistry registry = TestRegistry.tls("registry.test")) {
            TrustFiles files = registry.writeTrustFiles(dir);
            X509Certificate pem;
            try (InputStream in = Files.newInputStream(files.caCertificate())) {
                pem = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            assertEquals(registry.certificate().certificate(), pem);
            assertEquals(Files.readString(files.caCertificate()),
                    Files.readString(files.certsDirectoryFor(registry.host()).resolve("ca.crt")));
            assertTrue(Files.exists(files.certsDirectoryFor("registry.test:" + registry.server().port()).resolve("ca.crt")));

            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(files.trustStore())) {
                trust.load(in, TrustFiles.PASSWORD.toCharArray());
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            HttpResponse<String> r = HttpClient.newBuilder().sslContext(context).build().send(
                    HttpRequest.newBuilder(registry.directUri().resolve("/v2/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), "a client trusting only the written trust store connects");
        }
    }

    @Test
    @DisplayName("javaHttpClient() speaks HTTP/2 when Jetty's HTTP/2 jars are on the class path")
    void http2() throws Exception {
        try (TlsRegistry registry = TestRegistry.tls("registry.test")) {
            HttpResponse<String> r = registry.javaHttpClient().send(HttpRequest.newBuilder(
                    registry.directUri().resolve("/v2/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, r.version());
        }
    }

    @Test
    @DisplayName("skopeo pushes over TLS with verification on, trusting only certs.d; without it, it refuses")
    void skopeoVerifiesTheCertificate(@TempDir Path dir) throws Exception {
        Path layout = Path.of("src/test/resources/images/hello").toAbsolutePath();
        try (TlsRegistry registry = TestRegistry.tls("registry.test")) {
            TrustFiles files = registry.writeTrustFiles(dir.resolve("trust"));
            String target = "docker://" + registry.host() + "/tls/hello:v1";
            Run refused = skopeo(dir, "copy", "oci:" + layout + ":latest", target);
            assertNotEquals(0, refused.exit, "no trust configured: skopeo must refuse the certificate");
            assertTrue(refused.output.contains("certificate"), refused.output);
            Run pushed = skopeo(dir, "copy", "--dest-cert-dir", files.certsDirectoryFor(registry.host()).toString(),
                    "oci:" + layout + ":latest", target);
            assertEquals(0, pushed.exit, pushed.output);
            HttpResponse<byte[]> manifest = Requests.send(registry.server(), "GET", "/v2/tls/hello/manifests/v1", null,
                    "Accept", "application/vnd.oci.image.manifest.v1+json");
            assertEquals(200, manifest.statusCode());
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run skopeo(Path dir, String... args) throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.json"), "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
        List<String> command = new ArrayList<>(List.of("skopeo", "--policy", policy.toString()));
        command.addAll(List.of(args));
        Path output = dir.resolve("skopeo.log");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("skopeo is not installed: run the tests with `bash scripts/test.sh`, which installs it", e);
        }
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("skopeo timed out: " + command);
        }
        return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
