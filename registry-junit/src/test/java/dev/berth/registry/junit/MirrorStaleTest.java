// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Repository;
import dev.berth.registry.core.AccessControl;
import dev.berth.registry.core.Registry;
import dev.berth.registry.core.Upstream;
import dev.berth.registry.core.UpstreamStats;
import dev.berth.registry.core.testing.Fault;
import jakarta.servlet.http.HttpServletRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Stale on error: whatever way the upstream fails to answer a tag's re-check, a cached copy is served with a Warning. */
class MirrorStaleTest {
    /** Pulls a tag through a mirror (freshness 1 ms), then again once it is stale; returns the stale answer. */
    private static HttpResponse<byte[]> pullTwice(TestRegistry mirror) throws Exception {
        assertEquals(200, Requests.send(mirror, "GET", "/v2/up/team/app/manifests/v1", null).statusCode(), "cold pull");
        Thread.sleep(5); // past the 1 ms freshness interval
        return Requests.send(mirror, "GET", "/v2/up/team/app/manifests/v1", null);
    }

    private static void assertStale(PushedImage image, HttpResponse<byte[]> stale, TestRegistry mirror) {
        assertEquals(200, stale.statusCode(), Requests.text(stale));
        assertArrayEquals(image.manifest(), stale.body());
        String warning = stale.headers().firstValue("Warning").orElse("");
        assertTrue(warning.startsWith("110 - \"Response is Stale"), warning);
        UpstreamStats stats = mirror.registry().upstreamStats().get(0);
        assertEquals(1, stats.staleServed());
    }

    private static Registry mirrorOf(TestRegistry upstream) {
        return Registry.builder().mirror(Upstream.of("up", upstream.uri()).freshFor(Duration.ofMillis(1))
                .timeout(Duration.ofMillis(500))).build();
    }

    @Test
    @DisplayName("upstream 503 on the re-check: the cached copy is served with a Warning")
    void staleOnServerError() throws Exception {
        staleWhen(Fault.on("end-3").method("HEAD").status(503));
    }

    @Test
    @DisplayName("upstream dropping the connection on the re-check: the cached copy is served with a Warning")
    void staleOnDroppedConnection() throws Exception {
        staleWhen(Fault.on("end-3").method("HEAD").dropConnection());
    }

    @Test
    @DisplayName("upstream slower than the mirror's timeout on the re-check: the cached copy is served with a Warning")
    void staleOnTimeout() throws Exception {
        staleWhen(Fault.on("end-3").method("HEAD").latency(Duration.ofSeconds(3)));
    }

    private static void staleWhen(Fault fault) throws Exception {
        try (TestRegistry upstream = TestRegistry.start(Registry.builder().fault(fault).build());
             TestRegistry mirror = TestRegistry.start(mirrorOf(upstream))) {
            PushedImage image = upstream.fixtures().image("team/app:v1", 100);
            assertStale(image, pullTwice(mirror), mirror);
            assertEquals(1, mirror.registry().upstreamStats().get(0).failures());
        }
    }

    @Test
    @DisplayName("upstream refusing the mirror's credentials on the re-check: the cached copy is served with a Warning")
    void staleOnAuthenticationFailure() throws Exception {
        AtomicBoolean refusing = new AtomicBoolean();
        AccessControl toggled = new AccessControl() {
            @Override
            public Caller authenticate(HttpServletRequest request) {
                return new Caller() {
                    @Override
                    public String name() {
                        return "anyone";
                    }

                    @Override
                    public boolean authenticated() {
                        return !refusing.get();
                    }

                    @Override
                    public boolean may(Repository repository, Action action) {
                        return !refusing.get();
                    }
                };
            }

            @Override
            public String challenge(HttpServletRequest request, Optional<Scope> scope, boolean insufficientScope) {
                return "Basic realm=\"up\"";
            }
        };
        try (TestRegistry upstream = TestRegistry.start(Registry.builder().access(toggled).build());
             TestRegistry mirror = TestRegistry.start(mirrorOf(upstream))) {
            PushedImage image = upstream.fixtures().image("team/app:v1", 100);
            assertEquals(200, Requests.send(mirror, "GET", "/v2/up/team/app/manifests/v1", null).statusCode(), "cold pull");
            refusing.set(true);
            Thread.sleep(5);
            assertStale(image, Requests.send(mirror, "GET", "/v2/up/team/app/manifests/v1", null), mirror);
            HttpResponse<byte[]> uncached = Requests.send(mirror, "GET", "/v2/up/team/other/manifests/v1", null);
            assertEquals(404, uncached.statusCode(), "nothing cached to stand in: " + Requests.text(uncached));
        }
    }
}
