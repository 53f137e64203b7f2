// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Registry;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import dev.berth.registry.tck.RegistryHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code redirect=true}: blob bytes come straight from S3 through a presigned URL. */
class S3RedirectTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static S3TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.shared();
    }

    @Test
    @DisplayName("GET answers 307 to a presigned URL that serves the blob without credentials; HEAD is answered directly")
    void presignedRedirects() throws Exception {
        Map<String, String> settings = new HashMap<>(server.settings("redirect-" + UUID.randomUUID()));
        settings.put("redirect", "true");
        settings.put("redirect-ttl", "2m");
        byte[] blob = new byte[300_000];
        new Random(9).nextBytes(blob);
        Digest digest = Digest.sha256(blob);
        try (Storage storage = StorageProvider.named("s3").open(StorageConfig.of(settings));
             RegistryHttp http = RegistryHttp.serve(Registry.builder().storage(storage).build())) {
            URI base = http.uri();
            HttpResponse<String> push = send(HttpRequest.newBuilder(URI.create(base + "/v2/app/blobs/uploads/?digest="
                    + digest)).POST(HttpRequest.BodyPublishers.ofByteArray(blob)));
            assertEquals(201, push.statusCode(), push.body());

            HttpResponse<String> get = send(HttpRequest.newBuilder(URI.create(base + "/v2/app/blobs/" + digest)).GET());
            assertEquals(307, get.statusCode(), get.body());
            URI location = URI.create(get.headers().firstValue("Location").orElseThrow());
            assertTrue(location.getRawQuery().contains("X-Amz-Signature="), "a presigned URL: " + location);
            assertTrue(location.getRawQuery().contains("X-Amz-Expires=120"), "valid for redirect-ttl: " + location);
            HttpResponse<byte[]> fetched = CLIENT.send(HttpRequest.newBuilder(location).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, fetched.statusCode());
            assertArrayEquals(blob, fetched.body(), "the presigned URL serves the blob's bytes");

            HttpResponse<String> head = send(HttpRequest.newBuilder(URI.create(base + "/v2/app/blobs/" + digest))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));
            assertEquals(200, head.statusCode());
            assertEquals(String.valueOf(blob.length), head.headers().firstValue("Content-Length").orElse(""));
            assertTrue(head.headers().firstValue("Location").isEmpty(), "HEAD is not redirected");

            HttpResponse<String> other = send(HttpRequest.newBuilder(URI.create(base + "/v2/other/blobs/" + digest)).GET());
            assertEquals(404, other.statusCode(), "no redirect for a repository without the blob");
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
