// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static dev.berth.registry.server.S3Cluster.manifest;
import static dev.berth.registry.server.S3Cluster.pullWhole;
import static dev.berth.registry.server.S3Cluster.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Collector;
import dev.berth.registry.tck.HttpTester;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Collection, real clients and the packaged server across nodes on one bucket ({@link S3Cluster}). */
class S3ClusterOperationsIT extends ThreeS3Nodes {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    @DisplayName("GC on nodes A and C while 4 clients push through B and C loses nothing")
    void collectWhilePushingElsewhere() throws Exception {
        List<Collector> collectors = List.of(Collector.builder(cluster.server(0).registry()).grace(Duration.ZERO).build(),
                Collector.builder(cluster.server(2).registry()).grace(Duration.ZERO).build());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger passes = new AtomicInteger();
        AtomicInteger swept = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        List<Throwable> gcFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> gcThreads = new ArrayList<>();
        for (Collector collector : collectors) {
            Thread gc = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        Collector.Report r = collector.collect(false);
                        passes.incrementAndGet();
                        swept.addAndGet(r.blobsSwept() + r.manifestsSwept());
                    } catch (Throwable e) {
                        gcFailures.add(e);
                        return;
                    }
                }
            }, "cluster-gc");
            gc.start();
            gcThreads.add(gc);
        }
        Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
        ExecutorService pushers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                int pusher = p;
                work.add(pushers.submit(() -> {
                    Random random = new Random(77 + pusher);
                    for (int i = 0; i < 12; i++) {
                        URI via = cluster.node(1 + random.nextInt(2)); // B or C
                        new HttpTester(via).pushBlob("gc/app", random(1000 + pusher * 100 + i, 2000)); // litter
                        byte[] layer = random(random.nextInt(8), 20_000); // layers shared between pushers
                        byte[] config = ("{\"p\":" + pusher + ",\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                        String tag = "p" + pusher + "-" + i;
                        for (int attempt = 0; ; attempt++) {
                            Digest c = new HttpTester(via).pushBlob("gc/app", config);
                            Digest l = new HttpTester(via).pushBlob("gc/app", layer);
                            byte[] manifest = manifest(c, config.length, l, layer.length);
                            HttpResponse<byte[]> r = new HttpTester(via).send("PUT", "/v2/gc/app/manifests/" + tag, manifest,
                                    "Content-Type", OciLayouts.MANIFEST);
                            if (r.statusCode() == 201) {
                                assertTrue(pullWhole(cluster.node(random.nextInt(3)), "gc/app", tag, manifest),
                                        "whole right after its 201");
                                acknowledged.put(tag, manifest);
                                break;
                            }
                            String body = new String(r.body(), StandardCharsets.UTF_8);
                            assertTrue(r.statusCode() == 400 && body.contains("MANIFEST_BLOB_UNKNOWN") && attempt < 10,
                                    "manifest PUT: " + r.statusCode() + " " + body);
                            retries.incrementAndGet(); // a blob swept between its push and the manifest (grace 0)
                        }
                        if (i % 4 == 3) { // some images are deleted again: their blobs become garbage
                            String gone = "p" + pusher + "-" + (i - 1);
                            Digest d = Digest.sha256(acknowledged.remove(gone));
                            assertEquals(202, new HttpTester(via).send("DELETE", "/v2/gc/app/manifests/" + d, (byte[]) null).statusCode());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pushers.shutdownNow();
            stop.set(true);
            for (Thread gc : gcThreads) {
                gc.join(60_000);
            }
        }
        assertTrue(gcFailures.isEmpty(), () -> "collector failed: " + gcFailures);
        collectors.get(0).collect(false);
        for (Map.Entry<String, byte[]> image : acknowledged.entrySet()) {
            assertTrue(pullWhole(cluster.node(1), "gc/app", image.getKey(), image.getValue()), image.getKey());
        }
        assertEquals(404, new HttpTester(cluster.node(1)).get("/v2/gc/app/blobs/" + Digest.sha256(random(1000, 2000))).statusCode(),
                "unreferenced litter is collected");
        System.out.printf("GC across nodes: %d passes on 2 nodes, %d items swept, %d manifest PUTs retried, "
                + "%d images whole%n", passes.get(), swept.get(), retries.get(), acknowledged.size());
        assertTrue(passes.get() > 2);
    }

    @Test
    @DisplayName("skopeo copies a multi-layer image to node A and inspects it through node C")
    void skopeoAcrossNodes() throws Exception {
        Skopeo.requireInstalled();
        OciLayouts layout = new OciLayouts(work.resolve("layout"));
        OciLayouts.Image image = layout.image("amd64", 5, 400_000, 3);
        layout.tag(image, OciLayouts.MANIFEST, "v1");
        Skopeo skopeo = new Skopeo(work);
        String a = "docker://" + cluster.node(0).getAuthority() + "/skopeo/app";
        String c = "docker://" + cluster.node(2).getAuthority() + "/skopeo/app";
        skopeo.run("copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + layout.root() + ":v1", a + ":v1");
        assertArrayEquals(image.manifest(), skopeo.run("inspect", "--raw", "--tls-verify=false", c + ":v1")
                .getBytes(StandardCharsets.UTF_8));
        JsonNode inspected = JSON.readTree(skopeo.run("inspect", "--tls-verify=false", c + ":v1"));
        assertEquals(5, inspected.get("Layers").size());
        assertEquals("amd64", inspected.get("Architecture").asText());
        skopeo.run("copy", "--preserve-digests", "--src-tls-verify=false", c + ":v1", "oci:" + work.resolve("pulled") + ":v1");
    }

    @Test
    @DisplayName("the packaged server joins the cluster: java -jar berth.jar --storage s3 -s …")
    void packagedServerJoins() throws Exception {
        List<String> args = new ArrayList<>(List.of("--storage", "s3",
                "--data-dir", work.resolve("unused").toString()));
        cluster.settings().forEach((key, value) -> args.addAll(List.of("-s", key + "=" + value)));
        try (ServerProcess jar = ServerProcess.start(List.of(), args.toArray(String[]::new))) {
            byte[] manifest = new HttpTester(jar.uri()).pushImage("jar/app", "v1", random(8, 100_000));
            assertTrue(pullWhole(cluster.node(1), "jar/app", "v1", manifest), "pushed to the jar, pulled from an embedded node");
            byte[] other = new HttpTester(cluster.node(2)).pushImage("jar/app", "v2", random(9, 100_000));
            assertTrue(pullWhole(jar.uri(), "jar/app", "v2", other), "pushed to an embedded node, pulled from the jar");
        }
    }
}
