// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.Registry;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.tck.RegistryHttp;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The holders index in a bucket: links without entries (written before the index existed) get
 * them from the first collection pass, once, and the collector's removal of a reclaimed digest's
 * entries never takes the entry of a link made meanwhile.
 */
class S3HoldersTest {
    private S3Storage storage;
    private RegistryHttp http;

    @BeforeEach
    void open() throws Exception {
        Map<String, String> settings = S3TestServer.shared().settings("holders-" + UUID.randomUUID());
        storage = new S3StorageProvider().open(StorageConfig.of(settings), Clock.systemUTC());
        http = RegistryHttp.serve(Registry.builder().storage(storage).build());
    }

    @AfterEach
    void close() throws Exception {
        http.close();
        storage.close();
    }

    @Test
    @DisplayName("links without holders entries get them in the first pass, and the pass marks the index complete")
    void firstPassCompletesTheIndex() throws Exception {
        byte[] layer = "a layer pushed before the index".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256(layer);
        assertEquals(201, http.client().send("POST", "/v2/old/app/blobs/uploads/?digest=" + digest, layer)
                .statusCode());
        Bucket bucket = storage.bucket();
        bucket.delete(Keys.holder(digest, new Repository("old/app"))); // as a bucket from before the index
        assertEquals(202, http.client().send("POST", "/v2/new/app/blobs/uploads/?mount=" + digest, new byte[0])
                .statusCode(), "no entry: the mount without from starts an upload");

        storage.collection().reclaimUnlinked(Instant.EPOCH);
        assertTrue(bucket.exists(Holders.COMPLETE), "the pass marks the index complete");
        assertEquals(List.of(new Repository("old/app")),
                storage.blobs().locate(digest, 10), "the pass put the entry back");
        assertEquals(201, http.client().send("POST", "/v2/new/app/blobs/uploads/?mount=" + digest, new byte[0])
                .statusCode(), "now the mount without from finds old/app");
    }

    @Test
    @DisplayName("removing the entries of reclaimed content keeps the entry of a link made meanwhile")
    void removalKeepsARacingLink() throws Exception {
        byte[] layer = "content a collector doomed while another node pushed it again".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256(layer);
        assertEquals(201, http.client().send("POST", "/v2/again/app/blobs/uploads/?digest=" + digest, layer)
                .statusCode());
        Repository gone = new Repository("gone/app"); // an entry whose link a crash took
        storage.bucket().put(Keys.holder(digest, gone), new byte[] {'1'});

        // the collector's last step for content it deleted, run after the push linked the digest
        new Holders(storage.bucket()).removeAll(digest);
        assertEquals(List.of(new Repository("again/app")), storage.blobs().locate(digest, 10),
                "the live link keeps its entry; the stale one goes");
    }
}
