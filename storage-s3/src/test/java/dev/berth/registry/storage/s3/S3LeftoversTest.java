// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.Registry;
import dev.berth.registry.spi.gc.CollectableStorage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.tck.RegistryHttp;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a crashed node leaves in the bucket, a data object no content record names and the
 * in-flight marker of a manifest put, goes once it is an hour old, and not before: a younger one
 * may belong to a push still running on another node.
 */
class S3LeftoversTest {
    private static void plant(Bucket bucket, String key, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        bucket.put(key, new ByteArrayInputStream(bytes), bytes.length);
    }

    @Test
    @DisplayName("leftovers of a crash survive a pass while under an hour old and go in the first pass after")
    void leftoversGoAfterAnHour() throws Exception {
        Map<String, String> settings = S3TestServer.shared().settings("leftovers-" + UUID.randomUUID());
        S3StorageProvider provider = new S3StorageProvider();
        try (S3Storage now = provider.open(StorageConfig.of(settings), Clock.systemUTC());
             S3Storage hourLater = provider.open(StorageConfig.of(settings),
                     Clock.offset(Clock.systemUTC(), S3Collection.LEFTOVER_AGE.plusMinutes(1)));
             RegistryHttp http = RegistryHttp.serve(Registry.builder().storage(now).build())) {
            byte[] live = "a blob pushed and linked the normal way".getBytes(StandardCharsets.UTF_8);
            Digest liveDigest = Digest.sha256(live);
            assertEquals(201, http.client().send("POST", "/v2/kept/app/blobs/uploads/?digest=" + liveDigest, live).statusCode());

            Digest orphan = Digest.sha256("bytes whose content record was never written".getBytes(StandardCharsets.UTF_8));
            String data = Keys.data(orphan, "crashed0");
            String marker = Keys.inFlight(new Repository("crashed/app")) + "sha256-" + orphan.encoded() + ".n0nce";
            Bucket bucket = now.bucket();
            plant(bucket, data, "bytes whose content record was never written");
            plant(bucket, marker, "{\"references\":[]}");
            Instant noGrace = Instant.now().minus(Duration.ofDays(1)); // only leftovers are at stake here

            ((CollectableStorage) now).collection().reclaimUnlinked(noGrace);
            assertTrue(bucket.read(data).isPresent(), "under an hour old: maybe a push in progress elsewhere");
            assertTrue(bucket.read(marker).isPresent(), "under an hour old: maybe a manifest put in progress");

            long freed = ((CollectableStorage) hourLater).collection().reclaimUnlinked(noGrace);
            assertTrue(bucket.read(data).isEmpty(), "data no record names, an hour old: removed");
            assertTrue(bucket.read(marker).isEmpty(), "in-flight marker an hour old: removed");
            assertTrue(freed >= "bytes whose content record was never written".length(), "counted as freed: " + freed);
            assertArrayEquals(live, http.client().send("GET", "/v2/kept/app/blobs/" + liveDigest, new byte[0]).body(),
                    "what is linked stays");
        }
    }
}
