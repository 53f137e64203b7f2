// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Registry;
import dev.berth.registry.tck.RegistryHttp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/** Many clients at once on one blob or one tag, over HTTP, against the disk backend. */
class DiskConcurrencyTest {
    private static final int CLIENTS = 16;

    @TempDir
    Path root;
    private RegistryHttp server;

    @BeforeEach
    void start() throws Exception {
        server = RegistryHttp.serve(Registry.builder().storage(DiskStorage.open(root)).build());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) throws Exception {
        return server.client().send(method, path, body, headers);
    }

    private static <T> List<T> together(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return task.call();
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @RepeatedTest(5)
    @DisplayName("16 clients push one blob (half monolithic, half chunked, two repositories): one stored copy")
    void sameBlob() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024];
        new Random(1).nextBytes(content);
        Digest digest = Digest.sha256(content);
        List<Callable<Integer>> pushes = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            String repo = i % 2 == 0 ? "same/one" : "same/two";
            boolean chunked = i % 4 < 2;
            pushes.add(() -> {
                if (!chunked) {
                    return send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + digest, content).statusCode();
                }
                String location = send("POST", "/v2/" + repo + "/blobs/uploads/", new byte[0]).headers()
                        .firstValue("Location").orElseThrow();
                send("PATCH", location, content);
                return send("PUT", location + "?digest=" + digest, new byte[0]).statusCode();
            });
        }
        for (int status : together(pushes)) {
            assertEquals(201, status, "every concurrent push of the same blob succeeds");
        }
        for (String repo : List.of("same/one", "same/two")) {
            assertArrayEquals(content, send("GET", "/v2/" + repo + "/blobs/" + digest, new byte[0]).body());
        }
        try (Stream<Path> files = Files.walk(root.resolve("blobs"))) {
            assertEquals(1, files.filter(Files::isRegularFile).count(), "identical content is stored once");
        }
        try (Stream<Path> tmp = Files.list(root.resolve("tmp")); Stream<Path> uploads = Files.list(root.resolve("uploads"))) {
            assertEquals(0, tmp.count() + uploads.count(), "no temporary file or session is left behind");
        }
    }

    @RepeatedTest(5)
    @DisplayName("16 clients push different manifests to one tag: it ends on one of them, GET by tag = GET by digest")
    void sameTag() throws Exception {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        Digest c = Digest.sha256(config);
        assertEquals(201, send("POST", "/v2/race/app/blobs/uploads/?digest=" + c, config).statusCode());
        List<Callable<String>> pushes = new ArrayList<>();
        Set<String> pushed = new HashSet<>();
        for (int i = 0; i < CLIENTS; i++) {
            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + c
                    + "\",\"size\":2},\"layers\":[],\"annotations\":{\"client\":\"" + i + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            pushed.add(Digest.sha256(manifest).toString());
            pushes.add(() -> {
                HttpResponse<byte[]> r = send("PUT", "/v2/race/app/manifests/latest", manifest,
                        "Content-Type", "application/vnd.oci.image.manifest.v1+json");
                assertEquals(201, r.statusCode(), new String(r.body()));
                return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
            });
        }
        together(pushes);
        HttpResponse<byte[]> byTag = send("GET", "/v2/race/app/manifests/latest", new byte[0]);
        String digest = byTag.headers().firstValue("Docker-Content-Digest").orElseThrow();
        assertTrue(pushed.contains(digest), "the tag ends on one of the pushed manifests");
        assertEquals(digest, Digest.sha256(byTag.body()).toString(), "the body by tag hashes to its digest header");
        assertArrayEquals(byTag.body(), send("GET", "/v2/race/app/manifests/" + digest, new byte[0]).body(),
                "GET by tag equals GET by that digest");
    }
}
