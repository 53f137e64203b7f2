// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import dev.berth.registry.jetty.BerthServer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Registry;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import dev.berth.registry.storage.s3.S3TestServer;
import dev.berth.registry.tck.HttpTester;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Three Berth nodes in one JVM, each with its own storage object and registry, sharing nothing
 * but one bucket of a real S3 server (s3proxy). Clients talk real HTTP to whichever node a test
 * picks, as they would behind a load balancer.
 */
class S3ClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static S3TestServer s3;

    private final List<BerthServer> nodes = new ArrayList<>();
    private final List<URI> bases = new ArrayList<>();
    private String prefix;

    @TempDir
    Path work;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3TestServer.shared();
    }

    @BeforeEach
    void startNodes() throws Exception {
        prefix = "cluster-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            Storage storage = StorageProvider.named("s3").open(StorageConfig.of(s3.settings(prefix)));
            BerthServer node = BerthServer.start(Registry.builder().storage(storage).build());
            nodes.add(node);
            bases.add(URI.create(node.uri().toString().replaceAll("/$", "")));
        }
    }

    @AfterEach
    void stopNodes() throws Exception {
        for (BerthServer node : nodes) {
            node.close();
            node.registry().storage().close();
        }
    }

    private URI node(int i) {
        return bases.get(i);
    }

    @Test
    @DisplayName("a chunked push whose POST, PATCHes and PUT go to different nodes succeeds")
    void chunkedPushAcrossNodes() throws Exception {
        byte[] blob = random(1, 3 * 1024 * 1024 + 17);
        Digest digest = Digest.sha256(blob);
        HttpResponse<byte[]> post = new HttpTester(node(0)).send("POST", "/v2/app/blobs/uploads/", (byte[]) null);
        assertEquals(202, post.statusCode());
        assertEquals(String.valueOf(8 << 20), post.headers().firstValue("OCI-Chunk-Min-Length").orElse(""),
                "the S3 backend advertises its part size as the smallest good chunk");
        String location = path(post);
        int third = blob.length / 3;
        location = patch(node(1), location, Arrays.copyOfRange(blob, 0, third), 0);
        location = patch(node(2), location, Arrays.copyOfRange(blob, third, 2 * third), third);
        HttpResponse<byte[]> put = new HttpTester(node(0)).send("PUT", location + sep(location) + "digest=" + digest,
                Arrays.copyOfRange(blob, 2 * third, blob.length), "Content-Type", "application/octet-stream",
                "Content-Range", (2 * third) + "-" + (blob.length - 1));
        assertEquals(201, put.statusCode(), new String(put.body(), StandardCharsets.UTF_8));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(blob, new HttpTester(node(i)).get("/v2/app/blobs/" + digest).body(), "node " + i);
        }
    }

    @Test
    @DisplayName("a push to node A is pullable from B and C at once; catalog and tag lists agree")
    void pushOnePullAll() throws Exception {
        byte[] manifest = new HttpTester(node(0)).pushImage("team/app", "v1", random(2, 700_000));
        new HttpTester(node(1)).pushImage("team/app", "v2", random(3, 1000));
        new HttpTester(node(2)).pushImage("other", "latest", random(4, 1000));
        Digest digest = Digest.sha256(manifest);
        ExecutorService pullers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> pulls = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                URI base = node(i);
                pulls.add(pullers.submit(() -> pullWhole(base, "team/app", "v1", manifest)));
            }
            for (Future<Boolean> pull : pulls) {
                assertTrue(pull.get());
            }
        } finally {
            pullers.shutdownNow();
        }
        Set<String> catalogs = new HashSet<>();
        Set<String> tagLists = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            catalogs.add(new String(new HttpTester(node(i)).get("/v2/_catalog").body(), StandardCharsets.UTF_8));
            tagLists.add(new String(new HttpTester(node(i)).get("/v2/team/app/tags/list").body(), StandardCharsets.UTF_8));
            assertEquals(digest.toString(), new HttpTester(node(i)).send("HEAD", "/v2/team/app/manifests/v1", (byte[]) null).headers()
                    .firstValue("Docker-Content-Digest").orElse(""));
        }
        assertEquals(Set.of("{\"repositories\":[\"other\",\"team/app\"]}"), catalogs);
        assertEquals(Set.of("{\"name\":\"team/app\",\"tags\":[\"v1\",\"v2\"]}"), tagLists);
    }

    @Test
    @DisplayName("16 clients pushing one tag through random nodes end on one pushed manifest, the same everywhere")
    void sixteenPushersOneTag() throws Exception {
        Map<Digest, byte[]> pushed = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                int client = c;
                work.add(clients.submit(() -> {
                    byte[] manifest = new HttpTester(node(client % 3)).pushImage("race", "latest", random(100 + client, 5000));
                    pushed.put(Digest.sha256(manifest), manifest);
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
        Set<String> resolved = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> r = new HttpTester(node(i)).send("GET", "/v2/race/manifests/latest", (byte[]) null,
                    "Accept", OciLayouts.MANIFEST);
            assertEquals(200, r.statusCode());
            Digest d = Digest.sha256(r.body());
            assertTrue(pushed.containsKey(d), "the tag names a manifest one client pushed");
            assertArrayEquals(pushed.get(d), r.body());
            resolved.add(d.toString());
        }
        assertEquals(1, resolved.size(), "every node resolves the tag to the same manifest: " + resolved);
    }

    @Test
    @DisplayName("16 concurrent pushes of one layer through random nodes store one copy")
    void sixteenPushesOneCopy() throws Exception {
        byte[] layer = random(5, 6 * 1024 * 1024);
        Digest digest = Digest.sha256(layer);
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                int client = c;
                work.add(clients.submit(() -> new HttpTester(node(client % 3)).pushBlob("copies/r" + client, layer)));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
        try (S3Client client = client()) {
            List<String> data = client.listObjectsV2(b -> b.bucket(s3.settings(prefix).get("bucket"))
                    .prefix(prefix + "/blobs/sha256/" + digest.encoded() + "/data-")).contents().stream()
                    .map(o -> o.key()).toList();
            assertEquals(1, data.size(), "one stored copy of the layer: " + data);
        }
        for (int c = 0; c < 16; c++) {
            assertArrayEquals(layer, new HttpTester(node((c + 1) % 3)).get("/v2/copies/r" + c + "/blobs/" + digest).body());
        }
    }

    @Test
    @DisplayName("a 20 MiB layer pushed in 64 KiB PATCHes through all nodes moves at most 2x its size to S3")
    void smallPatchesMoveAtMostTwice() throws Exception {
        byte[] layer = random(6, 20 * 1024 * 1024);
        Digest digest = Digest.sha256(layer);
        long contentBefore = s3.inProcess() ? s3.contentBytesWritten() : 0;
        long recordsBefore = s3.inProcess() ? s3.recordBytesWritten() : 0;
        HttpResponse<byte[]> post = new HttpTester(node(0)).send("POST", "/v2/big/blobs/uploads/", (byte[]) null);
        String location = path(post);
        int chunk = 64 * 1024;
        for (int offset = 0, n = 0; offset < layer.length; offset += chunk, n++) {
            location = patch(node(n % 3), location, Arrays.copyOfRange(layer, offset, offset + chunk), offset);
        }
        HttpResponse<byte[]> put = new HttpTester(node(1)).send("PUT", location + sep(location) + "digest=" + digest, (byte[]) null);
        assertEquals(201, put.statusCode(), new String(put.body(), StandardCharsets.UTF_8));
        assertArrayEquals(layer, new HttpTester(node(2)).get("/v2/big/blobs/" + digest).body());
        org.junit.jupiter.api.Assumptions.assumeTrue(s3.inProcess(), "bytes are counted by the in-process S3 server only");
        long content = s3.contentBytesWritten() - contentBefore;
        long records = s3.recordBytesWritten() - recordsBefore;
        System.out.printf("20 MiB in 64 KiB PATCHes: %d content bytes to S3 (%.3fx), %d bytes of records%n",
                content, content / (double) layer.length, records);
        assertTrue(content <= 2L * layer.length, "moved " + content + " bytes for a " + layer.length + "-byte layer");
    }

    @Test
    @DisplayName("GC on nodes A and C while 4 clients push through B and C loses nothing")
    void collectWhilePushingElsewhere() throws Exception {
        List<Collector> collectors = List.of(Collector.builder(nodes.get(0).registry()).grace(Duration.ZERO).build(),
                Collector.builder(nodes.get(2).registry()).grace(Duration.ZERO).build());
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
                        URI via = node(1 + random.nextInt(2)); // B or C
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
                                assertTrue(pullWhole(node(random.nextInt(3)), "gc/app", tag, manifest),
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
            assertTrue(pullWhole(node(1), "gc/app", image.getKey(), image.getValue()), image.getKey());
        }
        assertEquals(404, new HttpTester(node(1)).get("/v2/gc/app/blobs/" + Digest.sha256(random(1000, 2000))).statusCode(),
                "unreferenced litter is collected");
        System.out.printf("GC across nodes: %d passes on 2 nodes, %d items swept, %d manifest PUTs retried, "
                + "%d images whole%n", passes.get(), swept.get(), retries.get(), acknowledged.size());
        assertTrue(passes.get() > 2);
    }

    @Test
    @DisplayName("a 64 MiB layer pushed in one request to A (8 parts, assembled by part copies) reads back from B")
    void largeMonolithicPush() throws Exception {
        byte[] layer = random(10, 64 * 1024 * 1024);
        Digest digest = Digest.sha256(layer);
        long start = System.nanoTime();
        new HttpTester(node(0)).pushBlob("large/app", layer);
        long pushed = System.nanoTime();
        HttpResponse<byte[]> pulled = new HttpTester(node(1)).get("/v2/large/app/blobs/" + digest);
        long done = System.nanoTime();
        assertEquals(200, pulled.statusCode());
        assertArrayEquals(layer, pulled.body());
        System.out.printf("64 MiB through s3proxy: push %.0f MB/s, pull %.0f MB/s%n",
                layer.length / ((pushed - start) / 1e3), layer.length / ((done - pushed) / 1e3));
    }

    @Test
    @DisplayName("losing a node mid-upload lets the client resume on another")
    void nodeLostMidUpload() throws Exception {
        byte[] blob = random(7, 2 * 1024 * 1024);
        Digest digest = Digest.sha256(blob);
        HttpResponse<byte[]> post = new HttpTester(node(0)).send("POST", "/v2/resume/blobs/uploads/", (byte[]) null);
        String location = patch(node(0), path(post), Arrays.copyOfRange(blob, 0, 1024 * 1024), 0);
        nodes.get(0).close(); // node A is gone; its hash state with it
        HttpResponse<byte[]> status = new HttpTester(node(1)).get(location);
        assertEquals(204, status.statusCode());
        assertEquals("0-" + (1024 * 1024 - 1), status.headers().firstValue("Range").orElse(""));
        location = patch(node(1), location, Arrays.copyOfRange(blob, 1024 * 1024, blob.length), 1024 * 1024);
        HttpResponse<byte[]> put = new HttpTester(node(2)).send("PUT", location + sep(location) + "digest=" + digest, (byte[]) null);
        assertEquals(201, put.statusCode(), new String(put.body(), StandardCharsets.UTF_8));
        assertArrayEquals(blob, new HttpTester(node(1)).get("/v2/resume/blobs/" + digest).body());
    }

    @Test
    @DisplayName("skopeo copies a multi-layer image to node A and inspects it through node C")
    void skopeoAcrossNodes() throws Exception {
        Skopeo.requireInstalled();
        OciLayouts layout = new OciLayouts(work.resolve("layout"));
        OciLayouts.Image image = layout.image("amd64", 5, 400_000, 3);
        layout.tag(image, OciLayouts.MANIFEST, "v1");
        Skopeo skopeo = new Skopeo(work);
        String a = "docker://" + node(0).getAuthority() + "/skopeo/app";
        String c = "docker://" + node(2).getAuthority() + "/skopeo/app";
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
        s3.settings(prefix).forEach((key, value) -> args.addAll(List.of("-s", key + "=" + value)));
        try (ServerProcess jar = ServerProcess.start(List.of(), args.toArray(String[]::new))) {
            byte[] manifest = new HttpTester(jar.uri()).pushImage("jar/app", "v1", random(8, 100_000));
            assertTrue(pullWhole(node(1), "jar/app", "v1", manifest), "pushed to the jar, pulled from an embedded node");
            byte[] other = new HttpTester(node(2)).pushImage("jar/app", "v2", random(9, 100_000));
            assertTrue(pullWhole(jar.uri(), "jar/app", "v2", other), "pushed to an embedded node, pulled from the jar");
        }
    }

    // helpers

    private static boolean pullWhole(URI base, String repo, String tag, byte[] manifest) throws Exception {
        HttpResponse<byte[]> m = new HttpTester(base).send("GET", "/v2/" + repo + "/manifests/" + tag, (byte[]) null,
                "Accept", OciLayouts.MANIFEST);
        assertEquals(200, m.statusCode(), base + " " + repo + ":" + tag);
        assertArrayEquals(manifest, m.body());
        JsonNode json = JSON.readTree(manifest);
        List<JsonNode> blobs = new ArrayList<>();
        blobs.add(json.get("config"));
        json.get("layers").forEach(blobs::add);
        for (JsonNode blob : blobs) {
            HttpResponse<byte[]> b = new HttpTester(base).get("/v2/" + repo + "/blobs/" + blob.get("digest").asText());
            assertEquals(200, b.statusCode(), "blob " + blob.get("digest").asText() + " through " + base);
            assertEquals(blob.get("digest").asText(), Digest.sha256(b.body()).toString());
        }
        return true;
    }

    private static byte[] manifest(Digest config, int configSize, Digest layer, int layerSize) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + OciLayouts.MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
                + "\",\"size\":" + configSize + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                + "\"digest\":\"" + layer + "\",\"size\":" + layerSize + "}]}").getBytes(StandardCharsets.UTF_8);
    }

    /** PATCHes {@code chunk} at {@code offset}; returns the next location. */
    private static String patch(URI base, String location, byte[] chunk, long offset) throws Exception {
        HttpResponse<byte[]> r = new HttpTester(base).send("PATCH", location, chunk, "Content-Type", "application/octet-stream",
                "Content-Range", offset + "-" + (offset + chunk.length - 1));
        assertEquals(202, r.statusCode(), "PATCH at " + base + ": " + new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("0-" + (offset + chunk.length - 1), r.headers().firstValue("Range").orElse(""));
        return path(r);
    }

    private static String path(HttpResponse<byte[]> r) {
        String location = r.headers().firstValue("Location").orElseThrow();
        URI uri = URI.create(location);
        return uri.isAbsolute() ? uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                : location;
    }

    private static String sep(String location) {
        return location.contains("?") ? "&" : "?";
    }

    private static byte[] random(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private S3Client client() {
        Map<String, String> settings = s3.settings(prefix);
        return S3Client.builder().endpointOverride(URI.create(settings.get("endpoint")))
                .region(Region.of(settings.get("region"))).forcePathStyle(Boolean.parseBoolean(settings.get("path-style")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        settings.get("access-key"), settings.get("secret-key"))))
                .build();
    }
}
