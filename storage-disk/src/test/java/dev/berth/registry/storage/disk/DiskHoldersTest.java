// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Registry;
import dev.berth.registry.tck.RegistryHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The holders index on disk is rebuilt from the links by the collector: a data directory from
 * before the index, or a crash that lost entries, costs uploads until the next pass and nothing
 * else; entries of content the collector reclaims go with it.
 */
class DiskHoldersTest {
    @TempDir
    Path root;

    @Test
    @DisplayName("a pass puts back lost holders entries, and removes those of reclaimed content")
    void collectorRebuildsTheIndex() throws Exception {
        Registry registry = Registry.builder().storage(DiskStorage.open(root)).build();
        Collector collector = Collector.builder(registry).grace(Duration.ZERO).build();
        try (RegistryHttp http = RegistryHttp.serve(registry)) {
            byte[] layer = "a layer whose index entry was lost".getBytes(StandardCharsets.UTF_8);
            Digest digest = Digest.sha256(layer);
            Digest manifest = Digest.sha256(http.client().pushImage("old/app", "v1", layer));
            Path holders = root.resolve("holders");
            assertTrue(Files.exists(holders.resolve("sha256").resolve(digest.encoded().substring(0, 2))
                    .resolve(digest.encoded()).resolve("old+app")), "a push writes the entry");
            deleteTree(holders); // as a data directory from before the index
            assertEquals(202, http.client().post("/v2/new/app/blobs/uploads/?mount=" + digest, new byte[0])
                    .statusCode(), "no entry: the mount without from starts an upload");

            collector.collect(false); // old/app:v1 references the layer: it stays
            assertEquals(201, http.client().post("/v2/new/app/blobs/uploads/?mount=" + digest, new byte[0])
                    .statusCode(), "after a pass the mount without from finds old/app");

            assertEquals(202, http.client().delete("/v2/old/app/manifests/" + manifest).statusCode());
            collector.collect(false); // nothing references the layer now: both links and the content go
            assertEquals(202, http.client().post("/v2/third/app/blobs/uploads/?mount=" + digest, new byte[0])
                    .statusCode(), "collected content is found nowhere");
            try (Stream<Path> left = Files.walk(holders)) {
                assertFalse(left.anyMatch(p -> p.getFileName().toString().equals(digest.encoded())),
                        "the entries of reclaimed content are gone");
            }
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
