// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static dev.berth.registry.tck.HttpTester.expectError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.core.ImmutableTags;
import dev.berth.registry.core.Registry;
import dev.berth.registry.jetty.BerthServer;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import dev.berth.registry.storage.s3.S3TestServer;
import dev.berth.registry.tck.HttpTester;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Immutable tags from the --policy file of the packaged server, through skopeo and raw HTTP, and across S3 nodes. */
class RepositoryPolicyIT {
    private static final String RELEASES = """
            immutable-tags:
              - name: releases
                repositories: ["prod/**"]
                tags: ["v*"]
            """;

    @TempDir
    Path dir;

    @Test
    void immutableTagsFromThePolicyFile() throws Exception {
        Skopeo.requireInstalled();
        OciLayouts layout = new OciLayouts(dir.resolve("layout"));
        OciLayouts.Image one = layout.image("amd64", 2, 20_000, 1);
        OciLayouts.Image two = layout.image("amd64", 2, 20_000, 2);
        layout.tag(one, OciLayouts.MANIFEST, "one");
        layout.tag(two, OciLayouts.MANIFEST, "two");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), RELEASES);
        Skopeo skopeo = new Skopeo(Files.createDirectories(dir.resolve("skopeo")));
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                "--policy", policy.toString())) {
            String app = "docker://" + server.uri().getHost() + ":" + server.uri().getPort() + "/prod/app";
            String src = "oci:" + layout.root() + ":";
            HttpTester http = new HttpTester(server.uri());
            skopeo.run("copy", "--dest-tls-verify=false", src + "one", app + ":v1");
            skopeo.run("copy", "--dest-tls-verify=false", src + "one", app + ":v1"); // a retry of the same push
            AssertionError refused = assertThrows(AssertionError.class,
                    () -> skopeo.run("copy", "--dest-tls-verify=false", src + "two", app + ":v1"));
            assertTrue(refused.getMessage().contains("denied: tag v1 of prod/app is immutable (rule")
                            && refused.getMessage().contains("releases"),
                    "skopeo shows the user the refusal and the rule: " + refused.getMessage());
            assertArrayEquals(one.manifest(), http.get("/v2/prod/app/manifests/v1").body(), "v1 still names image one");
            expectError(http.delete("/v2/prod/app/manifests/v1"), 403, "DENIED", "delete of an immutable tag");
            expectError(http.delete("/v2/prod/app/manifests/" + one.digest()), 403, "DENIED",
                    "delete of the manifest an immutable tag names");
            skopeo.run("copy", "--dest-tls-verify=false", src + "two", app + ":v2");
            skopeo.run("copy", "--dest-tls-verify=false", src + "one", app + ":latest");
            skopeo.run("copy", "--dest-tls-verify=false", src + "two", app + ":latest"); // not matched: moves

            // a broken file keeps the rules in force and says why; a fixed one takes effect without a restart
            Files.writeString(policy, "immutable-tags:\n  - repositories: [\"prod/**\"]\n    tagz: [\"v*\"]\n");
            HttpResponse<byte[]> moved = pushUntil(http, two.manifest(), 403);
            expectError(moved, 403, "DENIED", "the rule loaded before stays in force");
            server.awaitLine("could not reload " + policy, 20);
            Files.writeString(policy, "immutable-tags: []\n");
            assertEquals(201, pushUntil(http, two.manifest(), 201).statusCode(), "without the rule, v1 moves");
        }
    }

    /** PUTs {@code manifest} as prod/app:v1 until the answer is {@code status} or 20 s pass (the file is re-read each second). */
    private static HttpResponse<byte[]> pushUntil(HttpTester http, byte[] manifest, int status) throws InterruptedException {
        HttpResponse<byte[]> r = null;
        for (int i = 0; i < 80; i++) {
            r = http.put("/v2/prod/app/manifests/v1", manifest, "Content-Type", OciLayouts.MANIFEST);
            if (r.statusCode() == status && i >= 8) { // 8 × 250 ms: past one re-read at least
                return r;
            }
            Thread.sleep(250);
        }
        return r;
    }

    @Test
    void quotasFromThePolicyFile() throws Exception {
        Skopeo.requireInstalled();
        OciLayouts layout = new OciLayouts(dir.resolve("layout"));
        OciLayouts.Image one = layout.image("amd64", 2, 300_000, 3);
        OciLayouts.Image two = layout.image("amd64", 2, 300_000, 4);
        layout.tag(one, OciLayouts.MANIFEST, "one");
        layout.tag(two, OciLayouts.MANIFEST, "two");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                quotas:
                  - name: small
                    repositories: ["limited/*"]
                    max-bytes: 1MiB
                """);
        Skopeo skopeo = new Skopeo(Files.createDirectories(dir.resolve("skopeo")));
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                "--policy", policy.toString(), "--admin-address", "127.0.0.1:0")) {
            String app = "docker://" + server.uri().getHost() + ":" + server.uri().getPort() + "/limited/app";
            String src = "oci:" + layout.root() + ":";
            skopeo.run("copy", "--dest-tls-verify=false", src + "one", app + ":one");
            AssertionError refused = assertThrows(AssertionError.class,
                    () -> skopeo.run("copy", "--dest-tls-verify=false", src + "two", app + ":two"));
            assertTrue(refused.getMessage().contains("denied: quota") && refused.getMessage().contains("used of 1.0 MiB"),
                    "skopeo shows the user the quota, its use and its limit: " + refused.getMessage());
            URI admin = URI.create(server.awaitLine("Berth admin on", 10).replaceAll(".* on (http://[^/]+)/.*", "$1"));
            String report = new String(new HttpTester(admin).get("/admin/quotas").body(), StandardCharsets.UTF_8);
            assertTrue(report.contains("\"quota\":\"small\",\"repository\":\"limited/app\"")
                    && report.contains("\"maxBytes\":1048576"), report);
            String metrics = new String(new HttpTester(admin).get("/metrics").body(), StandardCharsets.UTF_8);
            assertTrue(metrics.contains("berth_quota_limit_bytes{quota=\"small\",repository=\"limited/app\"} 1048576.0")
                    && metrics.contains("berth_quota_used_bytes{quota=\"small\",repository=\"limited/app\"}"), metrics);
            HttpTester http = new HttpTester(server.uri());
            for (Digest layer : one.layers()) {
                assertEquals(202, http.delete("/v2/limited/app/blobs/" + layer).statusCode(), "a delete gives room back");
            }
            skopeo.run("copy", "--dest-tls-verify=false", src + "two", app + ":two");
        }
        ServerProcess.Ran offline = ServerProcess.command(dir, java.util.Map.of(), "quotas", "--data-dir",
                dir.resolve("data").toString(), "--policy", policy.toString());
        assertEquals(0, offline.exit(), offline.output());
        assertTrue(offline.output().contains("\"repository\" : \"limited/app\"")
                && offline.output().contains("\"maxBytes\" : 1048576"), "berth quotas measures offline: " + offline.output());
    }

    @Test
    void retentionFromThePolicyFile() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                immutable-tags:
                  - repositories: ["ci/**"]
                    tags: ["v*"]
                retention:
                  - name: ci-builds
                    repositories: ["ci/**"]
                    keep-latest: 0
                    pulled-within: 1d
                    always: ["latest"]
                    untagged-after: 0s
                """);
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                "--policy", policy.toString(), "--admin-address", "127.0.0.1:0", "--gc-interval", "off",
                "--gc-grace", "0s")) {
            URI admin = URI.create(server.awaitLine("Berth admin on", 10).replaceAll(".* on (http://[^/]+)/.*", "$1"));
            HttpTester http = new HttpTester(server.uri());
            for (String tag : List.of("latest", "v1", "build-1", "build-2")) {
                byte[] layer = new byte[2048];
                new Random(tag.hashCode()).nextBytes(layer);
                http.pushManifest("ci/app", tag, OciLayouts.MANIFEST, http.imageManifest("ci/app", layer));
            }
            assertEquals(200, http.get("/v2/ci/app/manifests/build-1", "Accept", OciLayouts.MANIFEST).statusCode());
            String dry = new String(new HttpTester(admin).post("/admin/gc?dry-run=true", new byte[0]).body(),
                    StandardCharsets.UTF_8);
            assertTrue(dry.contains("\"wouldRemoveTagsByRule\":{\"ci-builds\":1}") && dry.contains("\"tag\":\"build-2\"")
                    && dry.contains("not among the 0 most recently pushed tags") && dry.contains("never pulled, not within 24h"), dry);
            String real = new String(new HttpTester(admin).post("/admin/gc", new byte[0]).body(), StandardCharsets.UTF_8);
            assertTrue(real.contains("\"tagsRemovedByRule\":{\"ci-builds\":1}") && real.contains("\"manifestsSwept\":1"),
                    real);
            assertEquals("{\"name\":\"ci/app\",\"tags\":[\"build-1\",\"latest\",\"v1\"]}",
                    new String(http.get("/v2/ci/app/tags/list").body(), StandardCharsets.UTF_8));
            String metrics = new String(new HttpTester(admin).get("/metrics").body(), StandardCharsets.UTF_8);
            assertTrue(metrics.contains("berth_retention_tags_removed_total{rule=\"ci-builds\"} 1.0"), metrics);
        }
    }

    @Test
    void racingPushesToTheJarsDisk() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), RELEASES);
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                "--policy", policy.toString())) {
            List<URI> bases = List.of(server.uri());
            assertOneWins(bases, "prod/race");
        }
    }

    @Test
    void racingPushesThroughThreeS3Nodes() throws Exception {
        S3TestServer s3 = S3TestServer.shared();
        String prefix = "policy-" + UUID.randomUUID();
        CyclicBarrier stored = new CyclicBarrier(RACERS);
        AtomicInteger arrivals = new AtomicInteger();
        List<BerthServer> nodes = new ArrayList<>();
        List<URI> bases = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                // each racing push waits after storing its manifest, before claiming: all have passed the first check
                BerthServer node = BerthServer.start(Registry.builder()
                        .storage(StorageProvider.named("s3").open(StorageConfig.of(s3.settings(prefix))))
                        .immutableTags(ImmutableTags.matching("prod/**", "v*"))
                        .observeStorage((operation, nanos, outcome) -> {
                            if (operation.equals("ManifestHandler.put") && arrivals.getAndIncrement() < RACERS) {
                                await(stored);
                            }
                        }).build());
                nodes.add(node);
                bases.add(URI.create(node.uri().toString().replaceAll("/$", "")));
            }
            assertOneWins(bases, "prod/race");
        } finally {
            for (BerthServer node : nodes) {
                node.close();
                node.registry().storage().close();
            }
        }
    }

    private static final int RACERS = 8;

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the racing pushes did not all store their manifest", e);
        }
    }

    /** Pushes 8 images' blobs, then their manifests at once, as prod/race:v1, through the nodes in turn. */
    private static void assertOneWins(List<URI> bases, String repo) throws Exception {
        List<byte[]> manifests = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            byte[] layer = new byte[4096];
            new Random(i).nextBytes(layer);
            manifests.add(new HttpTester(bases.get(i % bases.size())).imageManifest(repo, layer));
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        try {
            List<Future<HttpResponse<byte[]>>> puts = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                HttpTester http = new HttpTester(bases.get(i % bases.size()));
                byte[] manifest = manifests.get(i);
                puts.add(pool.submit((Callable<HttpResponse<byte[]>>) () -> {
                    start.await();
                    return http.put("/v2/" + repo + "/manifests/v1", manifest, "Content-Type", OciLayouts.MANIFEST);
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            Digest winner = null;
            for (int i = 0; i < RACERS; i++) {
                HttpResponse<byte[]> put = puts.get(i).get(90, TimeUnit.SECONDS);
                statuses.add(put.statusCode());
                if (put.statusCode() == 201) {
                    winner = Digest.sha256(manifests.get(i));
                } else {
                    expectError(put, 403, "DENIED", "a push that lost the race: " + new String(put.body(), StandardCharsets.UTF_8));
                }
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), "exactly one push wins: " + statuses);
            for (URI base : bases) {
                HttpResponse<byte[]> head = new HttpTester(base).head("/v2/" + repo + "/manifests/v1");
                assertEquals(winner.toString(), head.headers().firstValue("Docker-Content-Digest").orElse(""),
                        "every node names the winner");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
