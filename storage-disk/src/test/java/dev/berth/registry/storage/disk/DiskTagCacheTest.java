// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Registry;
import dev.berth.registry.tck.RegistryHttp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk backend keeps resolved tags in memory up to a bound (here 8): many more tags, moved,
 * deleted and probed over HTTP, still resolve to what was last written, while the cache stays
 * within its bound and probes of names that do not exist leave nothing behind.
 */
class DiskTagCacheTest {
    private static final int BOUND = 8;
    private static final String OCI = "application/vnd.oci.image.manifest.v1+json";

    @TempDir
    Path root;
    private dev.berth.registry.spi.gc.CollectableStorage storage;
    private RegistryHttp server;

    @BeforeEach
    void start() throws Exception {
        storage = DiskStorage.open(root, false, BOUND);
        server = RegistryHttp.serve(Registry.builder().storage(storage).build());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) throws Exception {
        return server.client().send(method, path, body, headers);
    }

    private byte[] manifest(String repo, String layerText) throws Exception {
        return server.client().imageManifest(repo, layerText.getBytes(StandardCharsets.UTF_8));
    }

    private String resolved(String repo, String tag) throws Exception {
        HttpResponse<byte[]> r = send("HEAD", "/v2/" + repo + "/manifests/" + tag, new byte[0], "Accept", OCI);
        return r.statusCode() == 200 ? r.headers().firstValue("Docker-Content-Digest").orElseThrow()
                : String.valueOf(r.statusCode());
    }

    private DiskManifestHandler manifests() {
        return (DiskManifestHandler) storage.manifests();
    }

    @Test
    @DisplayName("60 tags in 3 repositories, moved and deleted, resolve right with at most 8 in memory")
    void boundedAndCoherent() throws Exception {
        String[] repos = {"cache/a", "cache/b", "cache/c"};
        String[][] expected = new String[repos.length][20];
        for (int r = 0; r < repos.length; r++) {
            byte[] first = manifest(repos[r], "first " + r);
            for (int t = 0; t < 20; t++) {
                assertEquals(201, send("PUT", "/v2/" + repos[r] + "/manifests/t" + t, first, "Content-Type", OCI)
                        .statusCode());
                expected[r][t] = Digest.sha256(first).toString();
            }
        }
        for (int round = 0; round < 2; round++) {
            for (int r = 0; r < repos.length; r++) {
                for (int t = 0; t < 20; t++) {
                    assertEquals(expected[r][t], resolved(repos[r], "t" + t), repos[r] + ":t" + t);
                    assertTrue(manifests().cachedTagCount() <= BOUND, "cache within its bound");
                }
            }
        }
        // move a third of the tags, delete another third, while the others stay cached or not
        for (int r = 0; r < repos.length; r++) {
            byte[] second = manifest(repos[r], "second " + r);
            for (int t = 0; t < 20; t += 3) {
                assertEquals(201, send("PUT", "/v2/" + repos[r] + "/manifests/t" + t, second, "Content-Type", OCI)
                        .statusCode());
                expected[r][t] = Digest.sha256(second).toString();
            }
            for (int t = 1; t < 20; t += 3) {
                assertEquals(202, send("DELETE", "/v2/" + repos[r] + "/manifests/t" + t, new byte[0]).statusCode());
                expected[r][t] = "404";
            }
        }
        for (int r = repos.length - 1; r >= 0; r--) {
            for (int t = 19; t >= 0; t--) {
                assertEquals(expected[r][t], resolved(repos[r], "t" + t), repos[r] + ":t" + t);
                assertTrue(manifests().cachedTagCount() <= BOUND, "cache within its bound");
            }
        }
    }

    @Test
    @DisplayName("probing tags and repositories that do not exist caches nothing")
    void probesCostNoMemory() throws Exception {
        for (int i = 0; i < 200; i++) {
            assertEquals("404", resolved("probe/r" + i, "nothing"));
        }
        assertEquals(0, manifests().cachedTagCount());
    }
}
