// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Registry;
import dev.berth.registry.tck.RegistryHttp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Garbage collection removes the directories of repositories it emptied, so catalog and GC walks
 * do not go through the remains of every repository that ever existed; pushes racing the pruning
 * recreate what they need.
 */
class DiskPruneTest {
    private static final String OCI = "application/vnd.oci.image.manifest.v1+json";

    @TempDir
    Path root;
    private RegistryHttp server;
    private Collector collector;

    @BeforeEach
    void start() throws Exception {
        Registry registry = Registry.builder().storage(DiskStorage.open(root)).build();
        server = RegistryHttp.serve(registry);
        collector = Collector.builder(registry).grace(Duration.ZERO).build();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** Pushes config + layer + manifest; returns {config, layer, manifest} digests. */
    private Digest[] push(String repo, String tag, String layerText) throws Exception {
        byte[] layer = layerText.getBytes(StandardCharsets.UTF_8);
        byte[] manifest = server.client().imageManifest(repo, layer);
        HttpResponse<byte[]> r = server.client().send("PUT", "/v2/" + repo + "/manifests/" + tag, manifest, "Content-Type", OCI);
        String body = new String(r.body(), StandardCharsets.UTF_8);
        if (r.statusCode() == 400 && body.contains("MANIFEST_BLOB_UNKNOWN")) {
            return null; // a pass with grace 0 took the blobs before the manifest named them
        }
        assertEquals(201, r.statusCode(), body);
        return new Digest[] {Digest.sha256("{}".getBytes(StandardCharsets.UTF_8)), Digest.sha256(layer),
                Digest.sha256(manifest)};
    }

    /** Pushes until a pass running alongside leaves the blobs long enough (bounded). */
    private Digest[] pushDespiteCollector(String repo, String tag, String layerText) throws Exception {
        for (int attempt = 0; attempt < 500; attempt++) { // more than the passes that can run
            Digest[] image = push(repo, tag, layerText);
            if (image != null) {
                return image;
            }
        }
        throw new AssertionError("500 pushes of " + repo + ":" + tag + " lost their blobs to the collector");
    }

    private void deleteImage(String repo, Digest[] image) throws Exception {
        assertEquals(202, server.client().send("DELETE", "/v2/" + repo + "/manifests/" + image[2], new byte[0]).statusCode());
    }

    private List<Path> directoriesUnder(String repoPrefix) throws Exception {
        Path dir = root.resolve("repositories").resolve(repoPrefix);
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return all.toList();
        }
    }

    @Test
    @DisplayName("a pass removes the directories of emptied repositories, nested ones too; pushing there again works")
    void emptiedRepositoriesLeaveNothing() throws Exception {
        Digest[] outer = push("prune/app", "v1", "outer layer");
        Digest[] inner = push("prune/app/sub", "v1", "inner layer");
        Digest[] kept = push("keep/app", "v1", "kept layer");
        deleteImage("prune/app", outer);
        deleteImage("prune/app/sub", inner);
        collector.collect(false);
        assertEquals(List.of(), directoriesUnder("prune"), "nothing left of the emptied repositories");
        assertTrue(Files.isDirectory(root.resolve("repositories")));
        assertEquals(200, server.client().send("GET", "/v2/keep/app/blobs/" + kept[1], new byte[0]).statusCode(),
                "a repository with content keeps it");
        String catalog = new String(server.client().send("GET", "/v2/_catalog", new byte[0]).body(), StandardCharsets.UTF_8);
        assertEquals("{\"repositories\":[\"keep/app\"]}", catalog);

        push("prune/app/sub", "v2", "inner layer again");
        assertEquals(200, server.client().send("GET", "/v2/prune/app/sub/manifests/v2", new byte[0], "Accept", OCI).statusCode());
    }

    @Test
    @DisplayName("pushes and deletes in 4 repositories while passes with grace 0 prune: every push succeeds")
    void pushesRacingThePruning() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            // one pass (grace 0) per emptied repository, run while the other pushers go on: at most
            // 160 passes, so a pusher whose fresh blobs a pass sweeps before its manifest names them
            // loses a bounded number of attempts, whatever the timing
            Semaphore emptied = new Semaphore(0);
            Future<Integer> passes = pool.submit(() -> {
                int n = 0;
                while (!done.get()) {
                    if (emptied.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                        collector.collect(false);
                        n++;
                    }
                }
                return n;
            });
            List<Future<?>> pushers = new ArrayList<>();
            for (int client = 0; client < 4; client++) {
                String repo = "race/r" + client;
                int c = client;
                pushers.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        Digest[] image = pushDespiteCollector(repo, "t" + i, "layer " + c + "/" + i);
                        // whole right after its 201, whatever the collector is doing
                        for (Digest blob : new Digest[] {image[0], image[1]}) {
                            assertEquals(200, server.client().send("GET", "/v2/" + repo + "/blobs/" + blob, new byte[0])
                                    .statusCode(), repo + " " + blob);
                        }
                        deleteImage(repo, image); // the repository is empty again: prunable
                        emptied.release();
                    }
                    return null;
                }));
            }
            for (Future<?> pusher : pushers) {
                pusher.get(5, TimeUnit.MINUTES);
            }
            done.set(true);
            assertTrue(passes.get(1, TimeUnit.MINUTES) > 0);
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
        collector.collect(false);
        assertEquals(List.of(), directoriesUnder("race"), "all emptied in the end");
    }
}
