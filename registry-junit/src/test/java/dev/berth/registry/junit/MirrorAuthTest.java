// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.AccessControl;
import dev.berth.registry.core.Registry;
import dev.berth.registry.core.Upstream;
import dev.berth.registry.core.UpstreamCredentials;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** An upstream whose token realm is on another host (here: another port): the mirror gets its token there without sending its credentials. */
class MirrorAuthTest {
    /** Pulls with the token the realm hands out, nothing without it. */
    private record BearerOnly(String realm) implements AccessControl {
        @Override
        public Caller authenticate(HttpServletRequest request) {
            boolean good = "Bearer granted".equals(request.getHeader("Authorization"));
            return new Caller() {
                @Override
                public String name() {
                    return good ? "token" : "anonymous";
                }

                @Override
                public boolean authenticated() {
                    return good;
                }

                @Override
                public boolean may(Repository repository, Action action) {
                    return good && action == Action.PULL;
                }
            };
        }

        @Override
        public String challenge(HttpServletRequest request, Optional<Scope> scope, boolean insufficientScope) {
            return "Bearer realm=\"" + realm + "\",service=\"up\"" + scope.map(s -> ",scope=\"" + s + "\"").orElse("");
        }
    }

    @Test
    @DisplayName("credentials never reach a token realm outside the upstream's own host; the token is fetched once per scope")
    void foreignRealmGetsNoCredentials() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer realm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        realm.createContext("/token", exchange -> {
            seen.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")) + " "
                    + exchange.getRequestURI().getQuery());
            byte[] body = "{\"token\":\"granted\",\"expires_in\":300}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        realm.start();
        try (TestRegistry upstream = TestRegistry.start(Registry.builder()
                .access(new BearerOnly("http://127.0.0.1:" + realm.getAddress().getPort() + "/token")).build())) {
            PushedImage image;
            try (TestRegistry seed = TestRegistry.start(Registry.builder().storage(upstream.registry().storage()).build())) {
                image = seed.fixtures().image("team/app:v1", 100);
            }
            Upstream up = Upstream.of("up", URI.create("http://127.0.0.1:" + upstream.port()))
                    .credentials(UpstreamCredentials.of("mirror", "s3cret"));
            try (TestRegistry mirror = TestRegistry.start(Registry.builder().mirror(up).build())) {
                assertArrayEquals(image.manifest(), Requests.send(mirror, "GET", "/v2/up/team/app/manifests/v1", null)
                        .body());
                for (var layer : image.layers()) {
                    assertEquals(200, Requests.send(mirror, "GET", "/v2/up/team/app/blobs/" + layer, null).statusCode());
                }
                assertEquals(List.of("null service=up&scope=repository:team/app:pull"), seen,
                        "one token request, for the repository's pull scope, and without the mirror's credentials");
                assertEquals(1, mirror.registry().upstreamStats().get(0).tokenRequests());
            }
        } finally {
            realm.stop(0);
        }
    }

    @Test
    @DisplayName("access rules see the cached name: ?ns= and prefix requests outside the caller's grant are refused before the upstream is asked")
    void accessRulesApplyToCachedNames() throws Exception {
        AccessControl teamOnly = new AccessControl() {
            @Override
            public Caller authenticate(HttpServletRequest request) {
                return new Caller() {
                    @Override
                    public String name() {
                        return "ci";
                    }

                    @Override
                    public boolean authenticated() {
                        return true;
                    }

                    @Override
                    public boolean may(Repository repository, Action action) {
                        return action == Action.PULL && repository.name().startsWith("up/team/");
                    }
                };
            }

            @Override
            public String challenge(HttpServletRequest request, Optional<Scope> scope, boolean insufficientScope) {
                return "Basic realm=\"mirror\"";
            }
        };
        try (TestRegistry upstream = TestRegistry.start(Registry.builder().journal().build());
             TestRegistry mirror = TestRegistry.start(Registry.builder().access(teamOnly)
                     .mirror(Upstream.of("up", upstream.uri())).build())) {
            upstream.fixtures().image("team/app:v1", 100);
            upstream.fixtures().image("secret/app:v1", 100);
            upstream.journal().clear();
            assertEquals(200, Requests.send(mirror, "GET", "/v2/team/app/manifests/v1?ns=up", null)
                    .statusCode(), "up/team/app is granted");
            for (String path : List.of("/v2/up/secret/app/manifests/v1", "/v2/secret/app/manifests/v1?ns=up")) {
                assertEquals(403, Requests.send(mirror, "GET", path, null).statusCode(), path);
            }
            assertEquals(1, upstream.journal().entries().size(), "only the granted pull reached the upstream: "
                    + upstream.journal().entries());
        }
    }

    @Test
    @DisplayName("a blob another repository holds is mounted into the cache only from one the caller may pull")
    void mountsOnlyFromRepositoriesTheCallerMayPull() throws Exception {
        AccessControl upAndShared = new AccessControl() {
            @Override
            public Caller authenticate(HttpServletRequest request) {
                return new Caller() {
                    @Override
                    public String name() {
                        return "ci";
                    }

                    @Override
                    public boolean authenticated() {
                        return true;
                    }

                    @Override
                    public boolean may(Repository repository, Action action) {
                        return action == Action.PULL && !repository.name().startsWith("private/");
                    }
                };
            }

            @Override
            public String challenge(HttpServletRequest request, Optional<Scope> scope, boolean insufficientScope) {
                return "Basic realm=\"mirror\"";
            }
        };
        try (TestRegistry upstream = TestRegistry.start(Registry.builder().journal().build());
             TestRegistry mirror = TestRegistry.start(Registry.builder().access(upAndShared)
                     .mirror(Upstream.of("up", upstream.uri())).build())) {
            dev.berth.registry.spi.BlobPutHandler put = (dev.berth.registry.spi.BlobPutHandler) mirror.registry().storage()
                    .blobs();
            byte[] secret = "private bytes".getBytes(StandardCharsets.UTF_8);
            byte[] shared = "shared bytes".getBytes(StandardCharsets.UTF_8);
            dev.berth.registry.api.Digest secretDigest = dev.berth.registry.api.Digest.sha256(secret);
            dev.berth.registry.api.Digest sharedDigest = dev.berth.registry.api.Digest.sha256(shared);
            put.put(Repository.parse("private/app"), secretDigest, new java.io.ByteArrayInputStream(secret));
            put.put(Repository.parse("shared/app"), sharedDigest, new java.io.ByteArrayInputStream(shared));

            var leaked = Requests.send(mirror, "GET", "/v2/up/team/app/blobs/" + secretDigest, null);
            assertEquals(404, leaked.statusCode(), "a private repository's blob is not served through the cache: "
                    + Requests.text(leaked));
            var mounted = Requests.send(mirror, "GET", "/v2/up/team/app/blobs/" + sharedDigest, null);
            assertArrayEquals(shared, mounted.body(), "mounted from a repository the caller may pull");
            assertEquals(1, upstream.journal().matching(e -> e.route().equals("end-2")).size(),
                    "only the private blob was asked of the upstream (which does not have it)");
        }
    }
}
