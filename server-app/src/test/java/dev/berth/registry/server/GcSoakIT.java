// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import dev.berth.registry.jetty.BerthServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Registry;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A soak with a fixed seed: 8 pushers push, re-tag, delete, mount and litter for 30 s (set
 * {@code -Dberth.soak.seconds} for a longer one) while a collector with a 500 ms grace runs back to back, with untagged
 * collection on in two of the four repositories. The invariant holds throughout and at the end.
 */
class GcSoakIT {
    private static final long SEED = 20261127L;
    /**
     * Short enough that layers fall out of use and are collected many times a second, long
     * enough that a push outlives it; with grace 0 and back-to-back passes a three-layer push
     * never finishes (GcIT covers grace 0 at a 100 ms interval).
     */
    private static final Duration GRACE = Duration.ofMillis(500);
    private static final String OCI = "application/vnd.oci.image.manifest.v1+json";
    private static final List<String> REPOS = List.of("soak/a", "soak/b", "soak/untagged-1", "soak/untagged-2");

    @TempDir
    Path dir;

    private static boolean untaggedCollected(String repo) {
        return repo.startsWith("soak/untagged");
    }

    @Test
    @DisplayName("soak: 8 pushers and continuous collection hold the invariant")
    void soak() throws Exception {
        long seconds = Long.getLong("berth.soak.seconds", 30);
        Storage storage = StorageProvider.named("disk").open(StorageConfig.of(Map.of("root", dir.toString())));
        Registry registry = Registry.builder().storage(storage).build();
        Collector collector = Collector.builder(registry).grace(GRACE)
                .untagged(repo -> untaggedCollected(repo.name())).build();
        Random poolRandom = new Random(SEED);
        List<byte[]> layerPool = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] layer = new byte[1024 + poolRandom.nextInt(16 * 1024)];
            poolRandom.nextBytes(layer);
            layerPool.add(layer);
        }
        Map<Digest, GcIT.Pushed> live = new ConcurrentHashMap<>();
        AtomicInteger retries = new AtomicInteger();
        AtomicInteger operations = new AtomicInteger();
        AtomicInteger passes = new AtomicInteger();
        AtomicLong swept = new AtomicLong();
        AtomicLong rescued = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        try (BerthServer server = BerthServer.start(registry)) {
            URI base = URI.create(server.uri().toString().replaceAll("/$", ""));
            Thread gc = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        Collector.Report r = collector.collect(false);
                        passes.incrementAndGet();
                        swept.addAndGet(r.blobsSwept() + r.manifestsSwept());
                        rescued.addAndGet(r.claimsLost());
                    } catch (Exception e) {
                        throw new AssertionError("collection failed", e);
                    }
                }
            }, "soak-gc");
            gc.start();
            ExecutorService pushers = Executors.newFixedThreadPool(8);
            List<Future<?>> work = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            for (int p = 0; p < 8; p++) {
                int pusher = p;
                work.add(pushers.submit(() -> {
                    Random random = new Random(SEED * 31 + pusher);
                    List<GcIT.Pushed> mine = new ArrayList<>();
                    for (int i = 0; System.nanoTime() < deadline; i++) {
                        operations.incrementAndGet();
                        String repo = REPOS.get(random.nextInt(REPOS.size()));
                        int op = random.nextInt(100);
                        if (op < 50 || mine.isEmpty()) {
                            byte[] config = ("{\"p\":" + pusher + ",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                            List<byte[]> layers = new ArrayList<>();
                            for (int n = 1 + random.nextInt(3); layers.size() < n; ) {
                                byte[] layer = layerPool.get(random.nextInt(layerPool.size()));
                                if (!layers.contains(layer)) {
                                    layers.add(layer);
                                }
                            }
                            GcIT.Pushed pushed = GcIT.push(base, repo, "t" + random.nextInt(4), config, layers, retries,
                                    true);
                            mine.add(pushed);
                            live.put(pushed.manifest(), pushed);
                            if (!untaggedCollected(repo)) { // there another pusher's tag move may legally free it
                                GcIT.assertIntact(base, pushed, "right after its 201");
                            }
                        } else if (op < 65) {
                            GcIT.Pushed victim = mine.remove(random.nextInt(mine.size()));
                            live.remove(victim.manifest());
                            int status = new HttpTester(base).send("DELETE", "/v2/" + victim.repo() + "/manifests/"
                                    + victim.manifest(), (byte[]) null).statusCode();
                            assertTrue(status == 202 || status == 404 && untaggedCollected(victim.repo()),
                                    "delete of an acknowledged manifest: " + status);
                        } else if (op < 75) {
                            Digest layer = Digest.sha256(layerPool.get(random.nextInt(layerPool.size())));
                            String from = REPOS.get(random.nextInt(REPOS.size()));
                            HttpResponse<byte[]> mount = new HttpTester(base).send("POST", "/v2/" + repo
                                    + "/blobs/uploads/?mount=" + layer + "&from=" + from, new byte[0]);
                            int status = mount.statusCode();
                            assertTrue(status == 201 || status == 202, "mount: 201, or 202 to upload instead: " + status);
                            if (status == 202) { // not mounted: this client decides not to upload after all
                                String session = mount.headers().firstValue("Location").orElseThrow();
                                assertEquals(204, new HttpTester(base).send("DELETE", session, (byte[]) null).statusCode());
                            }
                        } else if (op < 85) {
                            byte[] litter = new byte[512];
                            random.nextBytes(litter);
                            new HttpTester(base).pushBlob(repo, litter);
                        } else {
                            GcIT.Pushed again = mine.get(random.nextInt(mine.size()));
                            byte[] manifest = new HttpTester(base).send("GET", "/v2/" + again.repo() + "/manifests/"
                                    + again.manifest(), (byte[]) null, "Accept", OCI).body();
                            HttpResponse<byte[]> r = new HttpTester(base).send("PUT", "/v2/" + again.repo() + "/manifests/t"
                                    + random.nextInt(4), manifest, "Content-Type", OCI);
                            if (r.statusCode() != 201) { // only where untagged manifests are collected
                                assertTrue(untaggedCollected(again.repo()), "re-tag of a live manifest: "
                                        + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
                                mine.remove(again);
                                live.remove(again.manifest());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(seconds + 120, TimeUnit.SECONDS);
            }
            pushers.shutdown();
            stop.set(true);
            gc.join(TimeUnit.SECONDS.toMillis(60));
            Collector.Report last = collector.collect(false);
            int checked = 0;
            for (GcIT.Pushed p : live.values()) {
                boolean mustExist = !untaggedCollected(p.repo()) || isTagged(base, p);
                HttpResponse<byte[]> m = new HttpTester(base).send("HEAD", "/v2/" + p.repo() + "/manifests/" + p.manifest(), (byte[]) null, "Accept", OCI);
                if (mustExist || m.statusCode() == 200) {
                    GcIT.assertIntact(base, p, "at the end of the soak");
                    checked++;
                }
            }
            System.out.println("GcSoakIT: " + seconds + " s, " + operations.get() + " operations, " + passes.get()
                    + " collection passes sweeping " + swept.get() + " items, " + rescued.get() + " claims rescued, "
                    + retries.get() + " manifest PUTs retried after MANIFEST_BLOB_UNKNOWN, " + checked
                    + " acknowledged manifests verified whole; last pass: " + last);
            assertTrue(passes.get() > 10 && swept.get() > 0, "the collector ran and swept during the soak");
        } finally {
            storage.close();
        }
    }

    private static boolean isTagged(URI base, GcIT.Pushed p) throws Exception {
        for (int t = 0; t < 4; t++) {
            HttpResponse<byte[]> r = new HttpTester(base).send("HEAD", "/v2/" + p.repo() + "/manifests/t" + t, (byte[]) null, "Accept", OCI);
            if (r.statusCode() == 200 && r.headers().firstValue("Docker-Content-Digest").orElse("")
                    .equals(p.manifest().toString())) {
                return true;
            }
        }
        return false;
    }
}
