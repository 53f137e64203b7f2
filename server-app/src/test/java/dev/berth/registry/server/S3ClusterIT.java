// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static dev.berth.registry.server.S3Cluster.patch;
import static dev.berth.registry.server.S3Cluster.path;
import static dev.berth.registry.server.S3Cluster.pullWhole;
import static dev.berth.registry.server.S3Cluster.random;
import static dev.berth.registry.server.S3Cluster.sep;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.tck.HttpTester;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** Pushes and pulls across three nodes on one bucket ({@link S3Cluster}). */
class S3ClusterIT extends ThreeS3Nodes {
    @Test
    @DisplayName("a chunked push whose POST, PATCHes and PUT go to different nodes succeeds")
    void chunkedPushAcrossNodes() throws Exception {
        byte[] blob = random(1, 3 * 1024 * 1024 + 17);
        Digest digest = Digest.sha256(blob);
        HttpResponse<byte[]> post = new HttpTester(cluster.node(0)).send("POST", "/v2/app/blobs/uploads/", (byte[]) null);
        assertEquals(202, post.statusCode());
        assertEquals(String.valueOf(8 << 20), post.headers().firstValue("OCI-Chunk-Min-Length").orElse(""),
                "the S3 backend advertises its part size as the smallest good chunk");
        String location = path(post);
        int third = blob.length / 3;
        location = patch(cluster.node(1), location, Arrays.copyOfRange(blob, 0, third), 0);
        location = patch(cluster.node(2), location, Arrays.copyOfRange(blob, third, 2 * third), third);
        HttpResponse<byte[]> put = new HttpTester(cluster.node(0)).send("PUT", location + sep(location) + "digest=" + digest,
                Arrays.copyOfRange(blob, 2 * third, blob.length), "Content-Type", "application/octet-stream",
                "Content-Range", (2 * third) + "-" + (blob.length - 1));
        assertEquals(201, put.statusCode(), new String(put.body(), StandardCharsets.UTF_8));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(blob, new HttpTester(cluster.node(i)).get("/v2/app/blobs/" + digest).body(), "node " + i);
        }
    }

    @Test
    @DisplayName("a push to node A is pullable from B and C at once; catalog and tag lists agree")
    void pushOnePullAll() throws Exception {
        byte[] manifest = new HttpTester(cluster.node(0)).pushImage("team/app", "v1", random(2, 700_000));
        new HttpTester(cluster.node(1)).pushImage("team/app", "v2", random(3, 1000));
        new HttpTester(cluster.node(2)).pushImage("other", "latest", random(4, 1000));
        Digest digest = Digest.sha256(manifest);
        ExecutorService pullers = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> pulls = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                URI base = cluster.node(i);
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
            catalogs.add(new String(new HttpTester(cluster.node(i)).get("/v2/_catalog").body(), StandardCharsets.UTF_8));
            tagLists.add(new String(new HttpTester(cluster.node(i)).get("/v2/team/app/tags/list").body(), StandardCharsets.UTF_8));
            assertEquals(digest.toString(), new HttpTester(cluster.node(i)).send("HEAD", "/v2/team/app/manifests/v1", (byte[]) null).headers()
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
                    byte[] manifest = new HttpTester(cluster.node(client % 3)).pushImage("race", "latest", random(100 + client, 5000));
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
            HttpResponse<byte[]> r = new HttpTester(cluster.node(i)).send("GET", "/v2/race/manifests/latest", (byte[]) null,
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
                work.add(clients.submit(() -> new HttpTester(cluster.node(client % 3)).pushBlob("copies/r" + client, layer)));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            clients.shutdownNow();
        }
        try (S3Client client = cluster.client()) {
            List<String> data = client.listObjectsV2(b -> b.bucket(cluster.settings().get("bucket"))
                    .prefix(cluster.prefix() + "/blobs/sha256/" + digest.encoded() + "/data-")).contents().stream()
                    .map(o -> o.key()).toList();
            assertEquals(1, data.size(), "one stored copy of the layer: " + data);
        }
        for (int c = 0; c < 16; c++) {
            assertArrayEquals(layer, new HttpTester(cluster.node((c + 1) % 3)).get("/v2/copies/r" + c + "/blobs/" + digest).body());
        }
    }

    @Test
    @DisplayName("a 20 MiB layer pushed in 64 KiB PATCHes through all nodes moves at most 2x its size to S3")
    void smallPatchesMoveAtMostTwice() throws Exception {
        byte[] layer = random(6, 20 * 1024 * 1024);
        Digest digest = Digest.sha256(layer);
        long contentBefore = cluster.s3().inProcess() ? cluster.s3().contentBytesWritten() : 0;
        long recordsBefore = cluster.s3().inProcess() ? cluster.s3().recordBytesWritten() : 0;
        HttpResponse<byte[]> post = new HttpTester(cluster.node(0)).send("POST", "/v2/big/blobs/uploads/", (byte[]) null);
        String location = path(post);
        int chunk = 64 * 1024;
        for (int offset = 0, n = 0; offset < layer.length; offset += chunk, n++) {
            location = patch(cluster.node(n % 3), location, Arrays.copyOfRange(layer, offset, offset + chunk), offset);
        }
        HttpResponse<byte[]> put = new HttpTester(cluster.node(1)).send("PUT", location + sep(location) + "digest=" + digest, (byte[]) null);
        assertEquals(201, put.statusCode(), new String(put.body(), StandardCharsets.UTF_8));
        assertArrayEquals(layer, new HttpTester(cluster.node(2)).get("/v2/big/blobs/" + digest).body());
        org.junit.jupiter.api.Assumptions.assumeTrue(cluster.s3().inProcess(), "bytes are counted by the in-process S3 server only");
        long content = cluster.s3().contentBytesWritten() - contentBefore;
        long records = cluster.s3().recordBytesWritten() - recordsBefore;
        System.out.printf("20 MiB in 64 KiB PATCHes: %d content bytes to S3 (%.3fx), %d bytes of records%n",
                content, content / (double) layer.length, records);
        assertTrue(content <= 2L * layer.length, "moved " + content + " bytes for a " + layer.length + "-byte layer");
    }

    @Test
    @DisplayName("a 64 MiB layer pushed in one request to A (8 parts, assembled by part copies) reads back from B")
    void largeMonolithicPush() throws Exception {
        byte[] layer = random(10, 64 * 1024 * 1024);
        Digest digest = Digest.sha256(layer);
        long start = System.nanoTime();
        new HttpTester(cluster.node(0)).pushBlob("large/app", layer);
        long pushed = System.nanoTime();
        HttpResponse<byte[]> pulled = new HttpTester(cluster.node(1)).get("/v2/large/app/blobs/" + digest);
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
        HttpResponse<byte[]> post = new HttpTester(cluster.node(0)).send("POST", "/v2/resume/blobs/uploads/", (byte[]) null);
        String location = patch(cluster.node(0), path(post), Arrays.copyOfRange(blob, 0, 1024 * 1024), 0);
        cluster.server(0).close(); // node A is gone; its hash state with it
        HttpResponse<byte[]> status = new HttpTester(cluster.node(1)).get(location);
        assertEquals(204, status.statusCode());
        assertEquals("0-" + (1024 * 1024 - 1), status.headers().firstValue("Range").orElse(""));
        location = patch(cluster.node(1), location, Arrays.copyOfRange(blob, 1024 * 1024, blob.length), 1024 * 1024);
        HttpResponse<byte[]> put = new HttpTester(cluster.node(2)).send("PUT", location + sep(location) + "digest=" + digest, (byte[]) null);
        assertEquals(201, put.statusCode(), new String(put.body(), StandardCharsets.UTF_8));
        assertArrayEquals(blob, new HttpTester(cluster.node(1)).get("/v2/resume/blobs/" + digest).body());
    }
}
