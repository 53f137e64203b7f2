// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.Registry;
import dev.berth.registry.core.Upstream;
import dev.berth.registry.core.testing.Fault;
import dev.berth.registry.jetty.BerthServer;
import dev.berth.registry.junit.PushedImage;
import dev.berth.registry.junit.TestRegistry;
import dev.berth.registry.spi.MirrorStateStorage;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import dev.berth.registry.storage.s3.S3TestServer;
import dev.berth.registry.tck.HttpTester;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two pull-through cache nodes in one JVM sharing nothing but one bucket of a real S3 server
 * (s3proxy), in front of an upstream registry whose journal counts what reached it: the cache's
 * state lives in the bucket, so the nodes share the cache and not only its contents.
 */
class S3MirrorClusterIT {
    private static final Repository CACHED = Repository.parse("up/team/app");
    private final List<BerthServer> nodes = new ArrayList<>();
    private TestRegistry upstream;

    private void start(Fault... faults) throws Exception {
        Registry.Builder origin = Registry.builder().journal();
        for (Fault fault : faults) {
            origin.fault(fault);
        }
        upstream = TestRegistry.start(origin.build());
        String prefix = "mirror-cluster-" + UUID.randomUUID();
        for (int i = 0; i < 2; i++) {
            Storage storage = StorageProvider.named("s3").open(StorageConfig.of(S3TestServer.shared().settings(prefix)));
            nodes.add(BerthServer.start(Registry.builder().storage(storage)
                    .mirror(Upstream.of("up", upstream.uri()).repositories("team/**")).build()));
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (BerthServer node : nodes) {
            node.close();
            node.registry().storage().close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private HttpResponse<byte[]> get(int node, String path) throws Exception {
        return new HttpTester(URI.create(nodes.get(node).uri().toString().replaceAll("/$", ""))).get(path);
    }

    private long upstream(String route, String method) {
        return upstream.journal().matching(e -> e.route().equals(route) && e.method().equals(method)).size();
    }

    @Test
    @DisplayName("a tag one node found current upstream is fresh on the other: no second check")
    void oneCheckForAllNodes() throws Exception {
        start();
        PushedImage image = upstream.fixtures().image("team/app:v1", 100);
        upstream.journal().clear();
        for (int node = 0; node < 2; node++) {
            HttpResponse<byte[]> manifest = get(node, "/v2/up/team/app/manifests/v1");
            assertEquals(200, manifest.statusCode(), "node " + node);
            assertArrayEquals(image.manifest(), manifest.body());
        }
        assertEquals(1, upstream("end-3", "GET"), "the first node fetched the manifest");
        assertEquals(0, upstream("end-3", "HEAD"), "the second node trusted the first node's check");
    }

    @Test
    @DisplayName("a blob one node is fetching is served by the other once stored: one upstream GET for both")
    void oneFetchForAllNodes() throws Exception {
        Fetching fetching = firstNodeFetching(Fault.on("end-2").method("GET").latency(Duration.ofMillis(1500)));
        Digest layer = fetching.layer();
        HttpResponse<byte[]> second = get(1, "/v2/up/team/app/blobs/" + layer);
        assertEquals(200, second.statusCode());
        assertEquals(layer, Digest.sha256(second.body()));
        assertEquals(layer, Digest.sha256(fetching.first().get().body()));
        assertEquals(1, upstream("end-2", "GET"), "one upstream GET for both nodes");
        assertEquals(0, nodes.get(1).registry().upstreamStats().get(0).blobGets(), "the second node asked nothing");
    }

    @Test
    @DisplayName("when the node holding a fetch fails, the waiting node fetches the blob itself")
    void waitingNodeTakesOver() throws Exception {
        Fetching fetching = firstNodeFetching(Fault.on("end-2").method("GET").nth(1).latency(Duration.ofMillis(1500))
                .status(503));
        Digest layer = fetching.layer();
        HttpResponse<byte[]> second = get(1, "/v2/up/team/app/blobs/" + layer);
        assertEquals(200, second.statusCode(), new String(second.body()));
        assertEquals(layer, Digest.sha256(second.body()));
        assertTrue(fetching.first().get().statusCode() >= 500, "the first node's fetch failed: " + fetching.first().get().statusCode());
        assertEquals(2, upstream("end-2", "GET"), "the failed fetch and the waiting node's own");
    }

    /** A layer of an image on the upstream, and node 0's answer for it, once node 0 holds its fetch. */
    private record Fetching(Digest layer, CompletableFuture<HttpResponse<byte[]>> first) {
    }

    private Fetching firstNodeFetching(Fault slowUpstream) throws Exception {
        start(slowUpstream);
        Digest layer = upstream.fixtures().image("team/app:v1", 300_000).layers().get(0);
        upstream.journal().clear();
        CompletableFuture<HttpResponse<byte[]>> first = CompletableFuture.supplyAsync(() -> call(0, layer));
        awaitLeased(layer);
        return new Fetching(layer, first);
    }

    private HttpResponse<byte[]> call(int node, Digest layer) {
        try {
            return get(node, "/v2/up/team/app/blobs/" + layer);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until some node holds the fetch of {@code layer}, as the bucket says. */
    private void awaitLeased(Digest layer) throws Exception {
        MirrorStateStorage storage = (MirrorStateStorage) nodes.get(1).registry().storage();
        for (int i = 0; i < 200; i++) {
            Instant now = Instant.now();
            if (!storage.mirrorState().lease(CACHED, layer, "probe", now, now.plusMillis(1))) {
                return;
            }
            storage.mirrorState().release(CACHED, layer, "probe");
            Thread.sleep(10);
        }
        throw new AssertionError("no node leased the fetch of " + layer + " within 2 s");
    }
}
