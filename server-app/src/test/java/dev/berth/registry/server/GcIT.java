// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.api.Digest;
import dev.berth.registry.tck.HttpTester;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Online garbage collection against the packaged server on the disk backend. */
class GcIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OCI = "application/vnd.oci.image.manifest.v1+json";

    @TempDir
    Path dir;

    /** An image acknowledged by the server, and what must stay readable. */
    record Pushed(String repo, Digest manifest, List<byte[]> blobs) {
    }

    private static byte[] random(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    static byte[] manifest(byte[] config, List<byte[]> layers) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + OCI + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Digest.sha256(config) + "\",\"size\":"
                + config.length + "},\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            json.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"")
                    .append(Digest.sha256(layers.get(i))).append("\",\"size\":").append(layers.get(i).length).append('}');
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Pushes blobs then the manifest, as clients do; a MANIFEST_BLOB_UNKNOWN (a blob collected
     * between its push and the manifest's, grace 0) is answered by pushing again, as a client
     * retrying the push would. Any other failure fails the test.
     */
    static Pushed push(URI base, String repo, String tag, byte[] config, List<byte[]> layers, AtomicInteger retries)
            throws Exception {
        return push(base, repo, tag, config, layers, retries, false);
    }

    /** As above; {@code headFirst}: skip blobs a HEAD finds, as docker, skopeo and Jib do. */
    static Pushed push(URI base, String repo, String tag, byte[] config, List<byte[]> layers, AtomicInteger retries,
                       boolean headFirst) throws Exception {
        byte[] manifest = manifest(config, layers);
        List<byte[]> blobs = new ArrayList<>(layers);
        blobs.add(config);
        List<byte[]> missing = blobs;
        String body = "";
        for (int attempt = 0; attempt < 20; attempt++) {
            for (byte[] blob : missing) {
                if (!(headFirst && attempt == 0 && new HttpTester(base).send("HEAD", "/v2/" + repo + "/blobs/"
                        + Digest.sha256(blob), (byte[]) null).statusCode() == 200)) {
                    new HttpTester(base).pushBlob(repo, blob);
                }
            }
            HttpResponse<byte[]> r = new HttpTester(base).send("PUT", "/v2/" + repo + "/manifests/" + tag, manifest,
                    "Content-Type", OCI);
            if (r.statusCode() == 201) {
                return new Pushed(repo, Digest.sha256(manifest), blobs);
            }
            body = new String(r.body(), StandardCharsets.UTF_8);
            if (r.statusCode() != 400 || !body.contains("\"MANIFEST_BLOB_UNKNOWN\"")) {
                fail("manifest PUT failed with something a client cannot retry: " + r.statusCode() + " " + body);
            }
            retries.incrementAndGet();
            String named = body;
            missing = blobs.stream().filter(b -> named.contains(Digest.sha256(b).toString())).toList();
            if (missing.isEmpty()) {
                missing = blobs; // the detail did not say: push them all again
            }
        }
        throw new AssertionError("a push kept losing its blobs to the collector after 20 attempts; last: " + body);
    }

    /** The invariant: the acknowledged manifest and all its blobs read back, byte for byte. */
    static void assertIntact(URI base, Pushed p, String when) throws Exception {
        HttpResponse<byte[]> m = new HttpTester(base).send("GET", "/v2/" + p.repo() + "/manifests/" + p.manifest(), (byte[]) null,
                "Accept", OCI);
        assertEquals(200, m.statusCode(), when + ": acknowledged manifest " + p.manifest() + " in " + p.repo());
        for (byte[] blob : p.blobs()) {
            HttpResponse<byte[]> b = new HttpTester(base).get("/v2/" + p.repo() + "/blobs/" + Digest.sha256(blob));
            assertEquals(200, b.statusCode(), when + ": blob " + Digest.sha256(blob) + " of acknowledged manifest "
                    + p.manifest() + " in " + p.repo() + " was collected");
            assertEquals(Digest.sha256(blob), Digest.sha256(b.body()), when + ": blob content");
        }
    }

    static JsonNode collectNow(URI admin) throws Exception {
        HttpResponse<byte[]> r = new HttpTester(admin).send("POST", "/admin/gc", new byte[0]);
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        return JSON.readTree(r.body());
    }

    static URI adminUri(ServerProcess server) throws InterruptedException {
        Pattern admin = Pattern.compile("Berth admin on (http://[^/]+)/admin/");
        Matcher m = admin.matcher(server.output()); // printed at start-up, maybe already taken by another wait
        if (!m.find()) {
            m = admin.matcher(server.awaitLine("Berth admin on", 30));
            assertTrue(m.find());
        }
        return URI.create(m.group(1));
    }

    @Test
    @DisplayName("500 pushes while the collector runs every 100 ms with grace 0: no acknowledged image loses a blob")
    void pushesWhileCollecting() throws Exception {
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                "--no-request-log", "--gc-interval", "100ms", "--gc-grace", "0s",
                "--admin-address", "127.0.0.1:0")) {
            URI base = server.uri();
            URI admin = adminUri(server);
            Random shared = new Random(500);
            List<byte[]> layerPool = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                layerPool.add(random(shared, 2048 + i * 512));
            }
            List<Pushed> acknowledged = Collections.synchronizedList(new ArrayList<>());
            List<Digest> garbage = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger retries = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<?>> work = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int client = c;
                work.add(clients.submit(() -> {
                    Random random = new Random(client);
                    for (int i = 0; i < 125; i++) {
                        String repo = "gc/app" + random.nextInt(3);
                        byte[] config = ("{\"client\":" + client + ",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                        List<byte[]> layers = List.of(layerPool.get(random.nextInt(layerPool.size())),
                                layerPool.get(random.nextInt(layerPool.size())));
                        if (layers.get(0) == layers.get(1)) {
                            layers = List.of(layers.get(0));
                        }
                        acknowledged.add(push(base, repo, "c" + client + "-" + (i % 5), config, layers, retries));
                        if (i % 10 == 0) {
                            garbage.add(new HttpTester(base).pushBlob(repo, random(random, 1000)));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
            clients.shutdown();
            assertEquals(500, acknowledged.size());
            JsonNode last = collectNow(admin);
            for (Pushed p : acknowledged) {
                assertIntact(base, p, "after 500 pushes under continuous collection");
            }
            for (Digest d : garbage) {
                for (int r = 0; r < 3; r++) {
                    assertEquals(404, new HttpTester(base).get("/v2/gc/app" + r + "/blobs/" + d).statusCode(),
                            "unreferenced blob " + d + " is collected");
                }
            }
            System.out.println("GcIT: 500 pushes, " + retries.get() + " manifest PUTs answered MANIFEST_BLOB_UNKNOWN"
                    + " and retried; last pass: " + last);
        }
    }

    @Test
    @DisplayName("kill -9 between claiming and sweeping, and between unlinking and deleting: consistent after restart")
    void killedMidCollection() throws Exception {
        Path data = dir.resolve("data");
        Random random = new Random(9);
        Pushed image;
        byte[] garbage = random(random, 50_000);
        try (ServerProcess server = ServerProcess.startMain(GcPausedAtClaim.class, "--data-dir",
                data.toString(), "--no-request-log", "--gc-interval", "off", "--gc-grace", "0s",
                "--admin-address", "127.0.0.1:0")) {
            URI admin = adminUri(server);
            image = push(server.uri(), "gc/crash", "v1", random(random, 300), List.of(random(random, 40_000)),
                    new AtomicInteger());
            new HttpTester(server.uri()).pushBlob("gc/crash", garbage);
            Thread trigger = new Thread(() -> {
                try {
                    new HttpTester(admin).send("POST", "/admin/gc", new byte[0]);
                } catch (Exception e) {
                    // the server is killed under this request
                }
            });
            trigger.setDaemon(true);
            trigger.start();
            server.awaitLine("Berth gc paused at CLAIMED in gc/crash", 30);
            server.kill9(); // the garbage blob is claimed, nothing is swept yet
        }
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", data.toString(), "--no-request-log",
                "--gc-interval", "off", "--gc-grace", "0s", "--admin-address", "127.0.0.1:0")) {
            URI admin = adminUri(server);
            assertIntact(server.uri(), image, "after kill -9 mid-collection");
            assertEquals(200, new HttpTester(server.uri()).get("/v2/gc/crash/blobs/" + Digest.sha256(garbage)).statusCode(),
                    "a claimed but unswept blob is whole and live after a crash");
            // what kill -9 between a sweep's unlink and its content delete leaves behind
            byte[] orphan = random(random, 70_000);
            Digest orphanDigest = new HttpTester(server.uri()).pushBlob("gc/orphan", orphan);
            Files.delete(data.resolve("repositories/gc/orphan/_blobs/sha256/" + orphanDigest.encoded()));
            Path orphanContent = data.resolve("blobs/sha256/" + orphanDigest.encoded().substring(0, 2) + "/"
                    + orphanDigest.encoded());
            assertTrue(Files.exists(orphanContent));
            JsonNode report = collectNow(admin);
            assertEquals(1, report.get("blobsSwept").asInt(), "the garbage blob, once: " + report);
            assertEquals(garbage.length + orphan.length, report.get("bytesFreed").asLong(),
                    "bytes freed: the swept blob and the unlinked content: " + report);
            assertTrue(Files.notExists(orphanContent), "unlinked content is reclaimed");
            assertEquals(404, new HttpTester(server.uri()).get("/v2/gc/crash/blobs/" + Digest.sha256(garbage)).statusCode());
            assertIntact(server.uri(), image, "after collecting");
            assertEquals("{\"repositories\":[\"gc/crash\"]}", new String(new HttpTester(server.uri()).get("/v2/_catalog").body(),
                    StandardCharsets.UTF_8), "a repository left with nothing leaves the catalog");
        }
    }
}
