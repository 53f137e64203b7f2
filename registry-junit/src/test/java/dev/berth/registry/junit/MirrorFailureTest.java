// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.Registry;
import dev.berth.registry.core.Upstream;
import dev.berth.registry.core.UpstreamStats;
import dev.berth.registry.core.testing.Fault;
import dev.berth.registry.spi.NotFoundException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What each anchor registry's proxy gets wrong, against an upstream in this JVM that misbehaves on purpose. */
class MirrorFailureTest {
    private static Registry mirrorOf(TestRegistry upstream, Duration freshFor) {
        return Registry.builder().mirror(Upstream.of("up", upstream.uri()).freshFor(freshFor)).build();
    }

    @Test
    @DisplayName("16 concurrent cold pulls of one blob make exactly one upstream GET, and each client gets the blob")
    void oneUpstreamFetchPerDigest() throws Exception {
        Registry slow = Registry.builder().journal()
                .fault(Fault.on("end-2").method("GET").latency(Duration.ofMillis(300))).build();
        try (TestRegistry upstream = TestRegistry.start(slow);
             TestRegistry mirror = TestRegistry.start(mirrorOf(upstream, Duration.ofMinutes(5)))) {
            byte[] content = new byte[4 << 20];
            new java.util.Random(7).nextBytes(content);
            Digest digest = Requests.pushBlob(upstream, "team/big", content);
            ExecutorService clients = Executors.newFixedThreadPool(16);
            try {
                List<Future<HttpResponse<byte[]>>> pulls = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    pulls.add(clients.submit(() -> Requests.send(mirror, "GET", "/v2/up/team/big/blobs/" + digest, null)));
                }
                for (Future<HttpResponse<byte[]>> pull : pulls) {
                    HttpResponse<byte[]> got = pull.get();
                    assertEquals(200, got.statusCode());
                    assertArrayEquals(content, got.body());
                }
            } finally {
                clients.shutdownNow();
            }
            assertEquals(1, upstream.journal().matching(e -> e.route().equals("end-2") && e.method().equals("GET")).size(),
                    "one upstream GET for 16 clients");
        }
    }

    @Test
    @DisplayName("upstream 429 on a stale tag: the cached copy is served with a Warning, and Retry-After is honoured")
    void staleOnTooManyRequests() throws Exception {
        Registry limited = Registry.builder().journal()
                .fault(Fault.on("end-3").method("HEAD").tooManyRequests(Duration.ofSeconds(60))).build();
        try (TestRegistry upstream = TestRegistry.start(limited);
             TestRegistry mirror = TestRegistry.start(mirrorOf(upstream, Duration.ofMillis(1)))) {
            PushedImage image = upstream.fixtures().image("team/app:v1", 100);
            assertEquals(200, Requests.send(mirror, "GET", "/v2/up/team/app/manifests/v1", null).statusCode());
            Thread.sleep(5); // past the 1 ms freshness interval
            for (int pull = 1; pull <= 3; pull++) {
                HttpResponse<byte[]> stale = Requests.send(mirror, "GET", "/v2/up/team/app/manifests/v1", null);
                assertEquals(200, stale.statusCode(), "pull " + pull);
                assertArrayEquals(image.manifest(), stale.body());
                String warning = stale.headers().firstValue("Warning").orElse("");
                assertTrue(warning.startsWith("110 - \"Response is Stale"), "pull " + pull + ": " + warning);
            }
            assertEquals(1, upstream.journal().matching(e -> e.method().equals("HEAD")).size(),
                    "after the 429 nothing more is asked until Retry-After has passed");
            UpstreamStats stats = mirror.registry().upstreamStats().get(0);
            assertEquals(3, stats.staleServed());
            assertEquals(1, stats.rateLimited());
        }
    }

    @Test
    @DisplayName("nothing cached and the upstream failing: 502 for a 5xx, 429 with Retry-After for its 429")
    void coldFailures() throws Exception {
        Registry failing = Registry.builder()
                .fault(Fault.on("end-3").repository("team/down").status(503))
                .fault(Fault.on("end-3").repository("team/busy").tooManyRequests(Duration.ofSeconds(7))).build();
        try (TestRegistry upstream = TestRegistry.start(failing);
             TestRegistry mirror = TestRegistry.start(mirrorOf(upstream, Duration.ofMinutes(5)))) {
            HttpResponse<byte[]> down = Requests.send(mirror, "GET", "/v2/up/team/down/manifests/v1", null);
            assertEquals(502, down.statusCode());
            assertTrue(Requests.text(down).contains("answered 503"), Requests.text(down));
            HttpResponse<byte[]> busy = Requests.send(mirror, "GET", "/v2/up/team/busy/manifests/v1", null);
            assertEquals(429, busy.statusCode());
            assertTrue(Requests.text(busy).contains("TOOMANYREQUESTS"), Requests.text(busy));
            assertEquals("7", busy.headers().firstValue("Retry-After").orElse(""));
        }
    }

    @Test
    @DisplayName("a client that hangs up mid-blob does not abort the download: the blob is cached anyway")
    void hangUpMidBlob() throws Exception {
        GatedBlobs gated = new GatedBlobs(64 * 1024);
        Registry held = Registry.builder().journal().blobHandler(gated).build();
        try (TestRegistry upstream = TestRegistry.start(held);
             TestRegistry mirror = TestRegistry.start(mirrorOf(upstream, Duration.ofMinutes(5)))) {
            byte[] content = new byte[1 << 20];
            new java.util.Random(3).nextBytes(content);
            Digest digest = Requests.pushBlob(upstream, "team/app", content);
            String path = "/v2/up/team/app/blobs/" + digest;
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", mirror.port())) {
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes());
                InputStream in = socket.getInputStream();
                assertTrue(new String(in.readNBytes(12)).startsWith("HTTP/1.1 200"));
                in.readNBytes(32 * 1024); // the first bytes arrived: hang up while the rest is held upstream
            }
            gated.open();
            assertArrayEquals(content, MirrorTest.awaitStored(mirror, Repository.parse("up/team/app"), digest),
                    "the blob was cached after the client hung up");
            assertEquals(1, upstream.journal().matching(e -> e.route().equals("end-2")).size());
        }
    }

    @Test
    @DisplayName("an upstream that stops sending mid-blob: the download ends after the timeout, nothing is cached, a retry gets it whole")
    void stalledUpstreamTimesOut() throws Exception {
        GatedBlobs stalled = new GatedBlobs(64 * 1024);
        try (TestRegistry upstream = TestRegistry.start(Registry.builder().blobHandler(stalled).build());
             TestRegistry mirror = TestRegistry.start(Registry.builder()
                     .mirror(Upstream.of("up", upstream.uri()).timeout(Duration.ofSeconds(1))).build())) {
            byte[] content = new byte[1 << 20];
            new java.util.Random(9).nextBytes(content);
            Digest digest = Requests.pushBlob(upstream, "team/app", content);
            String answer = Requests.raw(mirror, "GET", "/v2/up/team/app/blobs/" + digest, null); // ends after ~1 s
            assertTrue(answer.startsWith("HTTP/1.1 200") && answer.length() - answer.indexOf("\r\n\r\n") - 4 < content.length,
                    "the client got a cut body, not a whole one");
            assertThrows(NotFoundException.class,
                    () -> mirror.registry().storage().blobs().get(Repository.parse("up/team/app"), digest).close());
            assertEquals(1, mirror.registry().upstreamStats().get(0).failures());
            stalled.open();
            assertArrayEquals(content, Requests.send(mirror, "GET", "/v2/up/team/app/blobs/" + digest, null).body());
        }
    }

    @Test
    @DisplayName("downloads beyond what the upstreams' budgets allow are refused with 429, not piled up on threads")
    void downloadsAreBounded() throws Exception {
        GatedBlobs held = new GatedBlobs(64 * 1024);
        try (TestRegistry upstream = TestRegistry.start(Registry.builder().blobHandler(held).build());
             TestRegistry mirror = TestRegistry.start(Registry.builder()
                     .mirror(Upstream.of("up", upstream.uri()).maxConcurrent(1).timeout(Duration.ofSeconds(20))).build())) {
            List<Digest> digests = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] content = new byte[256 * 1024];
                new java.util.Random(i).nextBytes(content);
                digests.add(Requests.pushBlob(upstream, "team/app", content));
            }
            java.util.Set<Thread> others = fetchThreads(java.util.Set.of()); // other registries' in this JVM
            ExecutorService clients = Executors.newFixedThreadPool(2);
            try (java.net.Socket first = new java.net.Socket("127.0.0.1", mirror.port())) {
                first.getOutputStream().write(("GET /v2/up/team/app/blobs/" + digests.get(0) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                        .getBytes());
                assertTrue(new String(first.getInputStream().readNBytes(12)).startsWith("HTTP/1.1 200")); // held upstream
                Future<HttpResponse<byte[]>> second = clients.submit(() -> Requests.send(mirror, "GET",
                        "/v2/up/team/app/blobs/" + digests.get(1), null)); // waits for the upstream's one slot
                for (int i = 0; i < 500 && fetchThreads(others).size() < 2; i++) {
                    Thread.sleep(10);
                }
                assertEquals(2, fetchThreads(others).size(), "two downloads: one running, one waiting for the slot");
                HttpResponse<byte[]> third = Requests.send(mirror, "GET", "/v2/up/team/app/blobs/" + digests.get(2), null);
                assertEquals(429, third.statusCode(), Requests.text(third));
                assertTrue(Requests.text(third).contains("TOOMANYREQUESTS"), Requests.text(third));
                assertFalse(second.isDone(), "refused at once, while the other two are still held");
                held.open();
                assertEquals(200, second.get().statusCode());
            } finally {
                clients.shutdownNow();
            }
        }
    }

    /** The mirrors' download threads alive now, but for {@code others}. */
    private static java.util.Set<Thread> fetchThreads(java.util.Set<Thread> others) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("berth-mirror-fetch") && t.isAlive() && !others.contains(t))
                .collect(java.util.stream.Collectors.toSet());
    }

    @Test
    @DisplayName("an upstream sending other bytes than the digest: the client never gets a whole body, nothing is cached")
    void wrongBytesAreNeverCached() throws Exception {
        GatedBlobs corrupting = new GatedBlobs(-1).corrupting();
        try (TestRegistry upstream = TestRegistry.start(Registry.builder().blobHandler(corrupting).build());
             TestRegistry mirror = TestRegistry.start(mirrorOf(upstream, Duration.ofMinutes(5)))) {
            byte[] content = new byte[200_000];
            new java.util.Random(5).nextBytes(content);
            Digest digest = Requests.pushBlob(upstream, "team/app", content);
            String answer = Requests.raw(mirror, "GET", "/v2/up/team/app/blobs/" + digest, null);
            int body = answer.indexOf("\r\n\r\n");
            assertFalse(answer.startsWith("HTTP/1.1 200") && answer.length() - body - 4 >= content.length,
                    "a whole body of wrong bytes reached the client");
            assertThrows(NotFoundException.class,
                    () -> mirror.registry().storage().blobs().get(Repository.parse("up/team/app"), digest).close());
        }
    }
}
