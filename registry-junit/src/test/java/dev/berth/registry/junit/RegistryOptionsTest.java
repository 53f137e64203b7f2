// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.Registry;
import dev.berth.registry.spi.BlobStatHandler;
import dev.berth.registry.spi.RedirectException;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The builder's options (Go's registry.New options) as a client sees them. */
class RegistryOptionsTest {
    private static TestRegistry serve(Registry.Builder builder) throws IOException {
        return TestRegistry.start(builder.build());
    }

    private static Registry.Builder memory() throws IOException {
        return Registry.builder().storage(StorageProvider.named("memory").open(StorageConfig.empty()));
    }

    private static HttpResponse<byte[]> send(TestRegistry registry, String method, String path, byte[] body,
                                             String... headers) throws Exception {
        return Requests.send(registry, method, path, body, headers);
    }

    @Test
    @DisplayName("warning(1.0, text) adds Warning: 299 - \"text\" to every response; 0 to none")
    void warnings() throws Exception {
        try (TestRegistry always = serve(memory().warning(1.0, "registry is in test mode"));
             TestRegistry never = serve(memory().warning(0.0, "unused"))) {
            HttpResponse<byte[]> r = send(always, "GET", "/v2/", null);
            assertEquals("299 - \"registry is in test mode\"", r.headers().firstValue("Warning").orElse(null));
            HttpResponse<byte[]> error = send(always, "GET", "/v2/x/manifests/y", null);
            assertTrue(error.headers().firstValue("Warning").isPresent(), "errors carry the warning too");
            assertTrue(send(never, "GET", "/v2/", null).headers().firstValue("Warning").isEmpty());
        }
    }

    /** Keeps what the registry logs, as a test's own logger would. */
    private static final class CollectingLogger implements System.Logger {
        final java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public String getName() {
            return "collecting";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg);
        }

        @Override
        public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + format);
        }
    }

    @Test
    @DisplayName("logger(l): every request is logged with method, path and status (Go's registry.Logger)")
    void requestLogger() throws Exception {
        CollectingLogger logger = new CollectingLogger();
        try (TestRegistry server = serve(memory().logger(logger))) {
            send(server, "GET", "/v2/", null);
            send(server, "GET", "/v2/x/manifests/missing", null);
        }
        assertTrue(logger.lines.stream().anyMatch(l -> l.startsWith("INFO GET /v2/ 200 ")), logger.lines.toString());
        assertTrue(logger.lines.stream().anyMatch(l -> l.startsWith("INFO GET /v2/x/manifests/missing 404 ")),
                logger.lines.toString());
    }

    @Test
    @DisplayName("logger(lines::add): a plain line consumer gets the same request lines, no System.Logger to write")
    void lineLogger() throws Exception {
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (TestRegistry server = serve(Registry.builder().logger(lines::add))) {
            send(server, "GET", "/v2/", null);
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("INFO GET /v2/ 200 ")), lines.toString());
    }

    @Test
    @DisplayName("Registry.builder().build() without a storage serves from memory (Go's registry.New())")
    void memoryByDefault() throws Exception {
        try (TestRegistry server = serve(Registry.builder())) {
            Digest pushed = Requests.pushBlob(server, "defaults/app", new byte[] {1, 2, 3});
            assertEquals(200, send(server, "GET", "/v2/defaults/app/blobs/" + pushed, null).statusCode());
        }
    }

    @Test
    @DisplayName("referrers(false): the referrers API is 404 and PUT answers no OCI-Subject")
    void referrersOff() throws Exception {
        try (TestRegistry server = serve(memory().referrers(false))) {
            byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
            Digest c = Digest.sha256(config);
            send(server, "POST", "/v2/r/blobs/uploads/?digest=" + c, config);
            Digest subject = Digest.sha256(new byte[] {1});
            String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + c
                    + "\",\"size\":2},\"layers\":[],\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"digest\":\"" + subject + "\",\"size\":1}}";
            HttpResponse<byte[]> put = send(server, "PUT", "/v2/r/manifests/sig", manifest.getBytes(StandardCharsets.UTF_8),
                    "Content-Type", "application/vnd.oci.image.manifest.v1+json");
            assertEquals(201, put.statusCode(), new String(put.body()));
            assertTrue(put.headers().firstValue("OCI-Subject").isEmpty(), "no OCI-Subject: clients use the tag schema");
            HttpResponse<byte[]> referrers = send(server, "GET", "/v2/r/referrers/" + subject, null);
            assertEquals(404, referrers.statusCode());
            String error = new String(referrers.body());
            assertTrue(error.contains("sha256-"), "the error names the fallback tag: " + error);
        }
    }

    /** A third-party blob handler keeping content elsewhere: every blob is a redirect. */
    private static final class RedirectingBlobs implements BlobStatHandler {
        @Override
        public InputStream get(Repository repo, Digest digest) throws IOException {
            throw new RedirectException(URI.create("https://cdn.example.com/" + digest.encoded()), 307);
        }

        @Override
        public long stat(Repository repo, Digest digest) throws IOException {
            throw new RedirectException(URI.create("https://cdn.example.com/" + digest.encoded()), 307);
        }
    }

    @Test
    @DisplayName("blobHandler(override): its redirect signal becomes 307 + Location; manifests naming such blobs are accepted")
    void blobHandlerRedirect() throws Exception {
        try (TestRegistry server = serve(memory().blobHandler(new RedirectingBlobs()))) {
            Digest d = Digest.sha256(new byte[] {1});
            for (String method : new String[] {"GET", "HEAD"}) {
                HttpResponse<byte[]> r = send(server, method, "/v2/any/blobs/" + d, null);
                assertEquals(307, r.statusCode(), method);
                assertEquals("https://cdn.example.com/" + d.encoded(), r.headers().firstValue("Location").orElse(null));
            }
            HttpResponse<byte[]> manifest = send(server, "PUT", "/v2/any/manifests/v1", BlobHandlerTest.manifestNaming(d),
                    "Content-Type", "application/vnd.oci.image.manifest.v1+json");
            assertEquals(201, manifest.statusCode(), "a manifest naming redirected blobs is accepted: "
                    + new String(manifest.body()));
            HttpResponse<byte[]> push = send(server, "POST", "/v2/any/blobs/uploads/?digest=" + d, new byte[] {1});
            assertEquals(405, push.statusCode(), "a read-only override cannot store: " + new String(push.body()));
            assertTrue(new String(push.body()).contains("UNSUPPORTED"), new String(push.body()));
        }
    }

    @Test
    @DisplayName("automaticCrossMount: on by default, a mount without from finds a repository holding the blob; off, it starts an upload")
    void automaticCrossMount() throws Exception {
        byte[] layer = "a layer pushed once, wanted in many repositories".getBytes(StandardCharsets.UTF_8);
        try (TestRegistry on = serve(memory()); TestRegistry off = serve(memory().automaticCrossMount(false))) {
            for (TestRegistry server : new TestRegistry[] {on, off}) {
                TestRegistry base = server;
                // repositories before and after the one holding the blob, in name order
                for (String repo : new String[] {"a/first", "b/second", "d/fourth"}) {
                    Requests.pushBlob(base, repo, ("other content of " + repo).getBytes(StandardCharsets.UTF_8));
                }
                Digest digest = Requests.pushBlob(base, "c/holder", layer);
                HttpResponse<byte[]> mount = send(base, "POST", "/v2/z/target/blobs/uploads/?mount=" + digest, null);
                if (server == on) {
                    assertEquals(201, mount.statusCode(), new String(mount.body(), StandardCharsets.UTF_8));
                    assertEquals("/v2/z/target/blobs/" + digest, mount.headers().firstValue("Location").orElse(""));
                    assertEquals(new String(layer, StandardCharsets.UTF_8), new String(
                            send(base, "GET", "/v2/z/target/blobs/" + digest, null).body(), StandardCharsets.UTF_8));
                    Digest nowhere = Digest.sha256("stored nowhere".getBytes(StandardCharsets.UTF_8));
                    assertEquals(202, send(base, "POST", "/v2/z/target/blobs/uploads/?mount=" + nowhere, null)
                            .statusCode(), "a digest no repository holds: an upload session");
                } else {
                    assertEquals(202, mount.statusCode(), "off: an upload session instead");
                }
            }
        }
    }
}
