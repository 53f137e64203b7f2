// SPDX-License-Identifier: Apache-2.0
package com.example.berth.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Registry;
import dev.berth.registry.junit.BlobHandlers;
import dev.berth.registry.junit.PushedImage;
import dev.berth.registry.junit.PushedIndex;
import dev.berth.registry.junit.TestRegistry;
import dev.berth.registry.junit.TlsRegistry;
import dev.berth.registry.junit.TrustFiles;
import dev.berth.registry.spi.BlobHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/testing.md's parity table with go-containerregistry, row by row; the marked regions are its snippets. */
class ParityExamplesTest {
    @TempDir
    Path dir;

    private static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void oneLine() throws Exception {
        // snippet: one-line
        try (TestRegistry registry = TestRegistry.start()) {           // memory, 127.0.0.1, a free port
            URI v2 = registry.uri().resolve("/v2/");                     // http://127.0.0.1:PORT/v2/
            String image = registry.host() + "/app:v1";                  // 127.0.0.1:PORT/app:v1, for clients
            HttpResponse<String> base = registry.httpClient().send(HttpRequest.newBuilder(v2).build(),
                    HttpResponse.BodyHandlers.ofString());
        // snippet: end
            assertEquals(200, base.statusCode());
            assertTrue(image.startsWith("127.0.0.1:"));
        }
    }

    @Test
    void tls() throws Exception {
        // snippet: tls
        try (TlsRegistry registry = TestRegistry.tls("gcr.example.com")) {
            HttpClient client = registry.javaHttpClient();               // trusts the generated certificate
            HttpResponse<String> base = client.send(HttpRequest.newBuilder(registry.directUri().resolve("/v2/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            TrustFiles files = registry.writeTrustFiles(dir);            // for tools: PEM, PKCS#12, certs.d
            Path forSkopeo = files.certsDirectoryFor(registry.host());   // skopeo --dest-cert-dir …
        // snippet: end
            assertEquals(200, base.statusCode());
            assertTrue(Files.exists(forSkopeo.resolve("ca.crt")));
        }
    }

    @Test
    void blobHandlers() throws Exception {
        Path blobs = dir.resolve("blobs");
        // snippet: blob-handlers
        BlobHandler handler = BlobHandlers.onDisk(blobs);                // or BlobHandlers.inMemory()
        Registry registry = Registry.builder().blobHandler(handler).build();
        try (TestRegistry server = TestRegistry.start(registry)) {
            PushedImage image = server.fixtures().image("app:v1", 1024); // blobs go to the handler
        }
        // snippet: end
        try (TestRegistry again = TestRegistry.start(Registry.builder().blobHandler(BlobHandlers.onDisk(blobs)).build());
             TestRegistry memory = TestRegistry.start(Registry.builder().blobHandler(BlobHandlers.inMemory()).build())) {
            assertTrue(Files.list(blobs.resolve("blobs/sha256")).count() >= 2, "config and layer on disk");
            PushedImage image = memory.fixtures().image("app:v1", 10);
            assertEquals(200, get(memory.httpClient(), memory.uri().resolve("/v2/app/blobs/" + image.layers().get(0)))
                    .statusCode());
            assertEquals(200, get(again.httpClient(), again.uri().resolve("/v2/")).statusCode());
        }
    }

    @Test
    void referrersLoggerWarning() throws Exception {
        // snippet: options
        List<String> lines = new CopyOnWriteArrayList<>();
        Registry registry = Registry.builder()
                .referrers(true)                                  // the default; false turns the API off
                .logger(lines::add)                               // or .logger(System.out::println)
                .warning(0.5, "registry is in test mode")         // Warning: 299 on half the responses
                .build();
        // snippet: end
        try (TestRegistry server = TestRegistry.start(registry)) {
            get(server.httpClient(), server.uri().resolve("/v2/"));
        }
        {   // the line is written once the answer has gone out: read it after closing
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("INFO GET /v2/ 200")), lines.toString());
        }
    }

    @Test
    void fixtures() throws Exception {
        try (TestRegistry registry = TestRegistry.start()) {
            // snippet: fixtures
            PushedImage image = registry.fixtures().image("app:v1", 1024, 4096);       // two tar layers
            PushedIndex index = registry.fixtures().index("multi:v1", 512, "linux/amd64", "linux/arm64/v8");
            PushedImage signature = registry.fixtures().artifact("app", image.digest(),
                    "application/vnd.example.signature", "signed".getBytes());
            // snippet: end
            assertEquals(2, image.layers().size());
            assertEquals(2, index.images().size());
            HttpResponse<String> referrers = get(registry.httpClient(),
                    registry.uri().resolve("/v2/app/referrers/" + image.digest()));
            assertTrue(referrers.body().contains(signature.digest().toString()), referrers.body());
            HttpResponse<String> tagged = registry.httpClient().send(HttpRequest.newBuilder(
                    registry.uri().resolve("/v2/multi/manifests/v1")).header("Accept",
                    "application/vnd.oci.image.index.v1+json").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(index.digest(), Digest.parse(tagged.headers().firstValue("Docker-Content-Digest").orElseThrow()));
        }
    }
}
