// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Fault;
import dev.berth.registry.core.Journal;
import dev.berth.registry.core.Registry;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;

/** The snippets of README.md's "Use it in your tests", as tests that run. */
class EmbeddingExamplesTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** {@link Http#send} with a full URI, as the examples hold them. */
    private static HttpResponse<byte[]> send(URI uri, String method, byte[] body, String... headers) throws Exception {
        return Http.send(URI.create(uri.getScheme() + "://" + uri.getAuthority()), method,
                uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()), body, headers);
    }

    @Test
    void oneLine() throws Exception {
        // README: one line
        try (BerthServer registry = BerthServer.start()) {              // memory, 127.0.0.1, a free port
            URI v2 = registry.uri().resolve("/v2/");                     // http://127.0.0.1:PORT/v2/
            assertEquals(200, send(v2, "GET", new byte[0]).statusCode());
        }
    }

    @Test
    void tlsForAMadeUpDomain() throws Exception {
        // README: TLS
        try (TlsRegistry registry = BerthServer.tls("gcr.example.com")) {
            org.eclipse.jetty.client.HttpClient client = registry.jettyClient();   // trusts the cert, resolves the domain
            byte[] blob = "layer".getBytes();
            Digest digest = Digest.sha256(blob);
            ContentResponse pushed = client.POST("https://gcr.example.com/v2/foo/blobs/uploads/?digest=" + digest)
                    .body(new BytesRequestContent(blob)).send();
            assertEquals(201, pushed.getStatus());
            ContentResponse pulled = client.GET("https://gcr.example.com/v2/foo/blobs/" + digest);
            assertEquals("layer", pulled.getContentAsString());

            HttpClient direct = registry.javaHttpClient();                  // java.net.http: real address, same trust
            HttpResponse<String> r = direct.send(HttpRequest.newBuilder(registry.directUri().resolve("/v2/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
        }
    }

    @Test
    void untrustedClientsAreRefused() throws Exception {
        try (TlsRegistry registry = BerthServer.tls("gcr.example.com")) {
            assertThrows(IOException.class, () -> http.send(HttpRequest.newBuilder(registry.directUri().resolve("/v2/"))
                    .build(), HttpResponse.BodyHandlers.ofString()), "the JVM's default trust does not know the cert");
        }
    }

    @Test
    void faultOnEveryRoute() throws Exception {
        Registry registry = Registry.builder()
                .storage(StorageProvider.named("memory").open(StorageConfig.empty()))
                .fault(Fault.onEveryRoute().nth(2).status(500))
                .build();
        try (BerthServer server = BerthServer.start(registry)) {
            URI v2 = server.uri().resolve("/v2/");
            URI tags = server.uri().resolve("/v2/any/tags/list");
            assertEquals(200, send(v2, "GET", new byte[0]).statusCode(), "first request");
            assertEquals(500, send(tags, "GET", new byte[0]).statusCode(), "the second request, whatever its route");
            assertEquals(200, send(v2, "GET", new byte[0]).statusCode(), "only the second");
        }
    }

    @Test
    void journalAndFaults() throws Exception {
        // README: faults and the journal
        Registry registry = Registry.builder()
                .storage(StorageProvider.named("memory").open(StorageConfig.empty()))
                .journal()
                .fault(Fault.on("end-2").repository("flaky/app").nth(1).tooManyRequests(Duration.ofSeconds(2)))
                .fault(Fault.on("end-2").repository("flaky/app").nth(2).status(503))
                .fault(Fault.on("end-2").repository("flaky/app").nth(3).shortRead(10))
                .fault(Fault.on("end-3").repository("flaky/drop").dropConnection())
                .fault(Fault.on("end-1").latency(Duration.ofMillis(200)))
                .build();
        try (BerthServer server = BerthServer.start(registry)) {
            URI base = server.uri();
            byte[] blob = new byte[100_000];
            Arrays.fill(blob, (byte) 7);
            Digest digest = Digest.sha256(blob);
            URI uploads = base.resolve("/v2/flaky/app/blobs/uploads/");
            String location = send(uploads, "POST", new byte[0]).headers().firstValue("Location").orElseThrow();
            send(base.resolve(location), "PATCH", Arrays.copyOf(blob, 60_000), "Content-Range", "0-59999");
            send(base.resolve(location + "?digest=" + digest), "PUT", Arrays.copyOfRange(blob, 60_000, 100_000),
                    "Content-Range", "60000-99999");

            URI blobUri = base.resolve("/v2/flaky/app/blobs/" + digest);
            HttpResponse<byte[]> first = send(blobUri, "GET", new byte[0]);
            assertEquals(429, first.statusCode());
            assertEquals("2", first.headers().firstValue("Retry-After").orElse(null));
            assertTrue(new String(first.body()).contains("TOOMANYREQUESTS"));
            assertEquals(503, send(blobUri, "GET", new byte[0]).statusCode());
            assertThrows(IOException.class, () -> send(blobUri, "GET", new byte[0]), "third fetch is cut after 10 bytes");
            assertEquals(100_000, send(blobUri, "GET", new byte[0]).body().length, "fourth fetch is whole");
            assertThrows(IOException.class, () -> send(base.resolve("/v2/flaky/drop/manifests/x"), "GET", new byte[0]),
                    "the connection is closed without an answer");
            long start = System.nanoTime();
            send(base.resolve("/v2/"), "GET", new byte[0]);
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(200).toNanos(), "latency was added");

            Journal journal = server.registry().journal();
            assertEquals(List.of(60_000L, 40_000L), journal.chunkSizes("flaky/app"), "which chunk sizes arrived");
            assertEquals(2, journal.blobFetches("flaky/app", digest.toString()), "the whole and the cut fetch");
            assertTrue(!journal.manifestPushed("flaky/app", "latest"), "nothing was tagged yet");
            byte[] config = "{}".getBytes();
            Digest c = Digest.sha256(config);
            send(base.resolve("/v2/flaky/app/blobs/uploads/?digest=" + c), "POST", config);
            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + c
                    + "\",\"size\":2},\"layers\":[]}").getBytes();
            assertEquals(201, send(base.resolve("/v2/flaky/app/manifests/latest"), "PUT", manifest,
                    "Content-Type", "application/vnd.oci.image.manifest.v1+json").statusCode());
            assertTrue(journal.manifestPushed("flaky/app", "latest"), "was this manifest pushed?");
        }
    }
}
