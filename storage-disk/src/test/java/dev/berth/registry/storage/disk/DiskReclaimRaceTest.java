// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.gc.CollectableStorage;
import dev.berth.registry.spi.gc.CollectionHandler;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push that links content nothing else links, while the collector reclaims unlinked content:
 * the push is stopped just before its link is created, the reclaim lists the links then, and the
 * content must survive once the push returns.
 */
class DiskReclaimRaceTest {
    @TempDir
    Path root;

    @Test
    @DisplayName("a reclaim that lists links while a push is creating one keeps the content the push links")
    void contentLinkedDuringTheReclaimsListingIsKept() throws Exception {
        byte[] content = "a layer many images share".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256(content);
        Repository first = new Repository("race/first");
        Repository again = new Repository("race/again");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Storage storage = DiskStorage.open(root)) {
            DiskBlobHandler blobs = (DiskBlobHandler) storage.blobs();
            CollectionHandler collection = ((CollectableStorage) storage).collection();
            // content that lost its only link to a sweep: what reclaimUnlinked is there for
            blobs.put(first, digest, new ByteArrayInputStream(content));
            CollectionHandler.Item linked = collection.blobs(first).get(0);
            collection.sweep(first, collection.claim(first, linked).orElseThrow());

            Lock directories = Durable.DIRECTORIES.writeLock();
            directories.lock(); // the push below stops where it creates its link
            Future<?> push;
            Future<Long> reclaim;
            try {
                push = pool.submit(() -> {
                    ((BlobPutHandler) blobs).put(again, digest, new ByteArrayInputStream(content));
                    return null;
                });
                await(Durable.DIRECTORIES::hasQueuedThreads, "the push to reach its link");
                reclaim = pool.submit(() -> collection.reclaimUnlinked(Instant.now().plusSeconds(3600)));
                await(() -> blobs.locks().of(digest).hasQueuedThreads(), "the reclaim to list the links and wait");
            } finally {
                directories.unlock();
            }
            push.get(30, TimeUnit.SECONDS);
            reclaim.get(30, TimeUnit.SECONDS);
            try (InputStream in = blobs.get(again, digest)) {
                assertArrayEquals(content, in.readAllBytes(), "the pushed blob reads back whole after the reclaim");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.onSpinWait();
        }
    }
}
