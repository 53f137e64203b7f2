// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Registry;
import dev.berth.registry.core.Upstream;
import dev.berth.registry.core.UpstreamCredentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * An upstream that sends blob downloads elsewhere, as Docker Hub and most registries on object
 * storage do: the mirror follows, and its credentials stay with the upstream's own host and port.
 */
class MirrorRedirectTest {
    private static final byte[] CONTENT = "layer bytes kept on another host".getBytes(StandardCharsets.UTF_8);
    private static final Digest DIGEST = Digest.sha256(CONTENT);
    private final List<String> upstreamSaw = new CopyOnWriteArrayList<>();
    private final List<String> storageSaw = new CopyOnWriteArrayList<>();
    private HttpServer upstream;
    private HttpServer storage;

    @AfterEach
    void stop() {
        upstream.stop(0);
        storage.stop(0);
    }

    @Test
    @DisplayName("a redirect to another host, and that host's own redirect, carry no credentials; the blob arrives whole")
    void credentialsStayWithTheUpstream() throws Exception {
        storage = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        storage.createContext("/", exchange -> {
            storageSaw.add(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            if (exchange.getRequestURI().getPath().equals("/signed")) { // the storage's own hop, on its own host
                redirect(exchange, "/content");
            } else {
                exchange.sendResponseHeaders(200, CONTENT.length);
                exchange.getResponseBody().write(CONTENT);
                exchange.close();
            }
        });
        storage.start();
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/v2/", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            upstreamSaw.add(exchange.getRequestURI().getPath() + " " + authorization);
            if (authorization == null) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"upstream\"");
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
            } else {
                redirect(exchange, "http://127.0.0.1:" + storage.getAddress().getPort() + "/signed");
            }
        });
        upstream.start();
        Upstream up = Upstream.of("up", URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()))
                .credentials(UpstreamCredentials.of("mirror", "s3cret"));
        try (TestRegistry mirror = TestRegistry.start(Registry.builder().mirror(up).build())) {
            var got = Requests.send(mirror, "GET", "/v2/up/team/app/blobs/" + DIGEST, null);
            assertEquals(200, got.statusCode(), Requests.text(got));
            assertArrayEquals(CONTENT, got.body());
        }
        assertTrue(upstreamSaw.stream().anyMatch(s -> s.endsWith(" Basic bWlycm9yOnMzY3JldA==")),
                "the upstream itself got the credentials: " + upstreamSaw);
        assertEquals(List.of("/signed null", "/content null"), storageSaw,
                "neither request to the other host carried an Authorization header");
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(307, -1);
        exchange.close();
    }
}
