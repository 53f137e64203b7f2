// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static dev.berth.registry.tck.HttpTester.expect;
import static dev.berth.registry.tck.HttpTester.expectError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Quota;
import dev.berth.registry.core.Quotas;
import dev.berth.registry.core.Registry;
import dev.berth.registry.spi.gc.CollectableStorage;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** end-4, end-5, end-6 and end-11 under byte quotas, measured through the backend's CollectionHandler listing. */
abstract class QuotaProtocol extends ProtocolContracts {
    private static final long LIMIT = 10_000;
    /**
     * While set, each blob store waits (up to 2 s) for the other racing pushes before its bytes
     * count as used, so that every push has been checked while the others were in flight.
     */
    private volatile CountDownLatch racers;

    @Override
    Registry.Builder configure(Registry.Builder builder) {
        org.junit.jupiter.api.Assumptions.assumeTrue(storage() instanceof CollectableStorage && blobHandler().isEmpty(),
                "quotas measure the blobs a CollectionHandler lists: " + storage().getClass().getName() + " has none");
        return builder.quotas(Quotas.of(Quota.perRepository("small", "quota/*", LIMIT),
                Quota.shared("team", "team/**", LIMIT))).observeStorage((operation, nanos, outcome) -> {
                    CountDownLatch latch = racers;
                    if (latch != null && (operation.equals("BlobPutHandler.put") || operation.equals("Upload.commit"))) {
                        latch.countDown();
                        try {
                            latch.await(2, TimeUnit.SECONDS); // the refused push never stores: 3 arrive
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
    }

    private HttpResponse<byte[]> post(String repo, byte[] blob) {
        return http.post("/v2/" + repo + "/blobs/uploads/?digest=" + Digest.sha256(blob), blob,
                "Content-Type", "application/octet-stream");
    }

    @Test
    @DisplayName("end-4b: a push past a repository's quota is 403 DENIED naming it, and stores nothing")
    void singlePostPastTheQuota() {
        byte[] first = Content.random(1, 6000);
        byte[] second = Content.random(2, 6000);
        expect(post("quota/a", first), 201, "end-4b: within the quota");
        HttpResponse<byte[]> refused = post("quota/a", second);
        expectError(refused, 403, "DENIED", "end-4b: past the quota");
        String message = HttpTester.json(refused).get("errors").get(0).get("message").asText();
        assertTrue(message.contains("\"small\"") && message.contains("5.9 KiB used of 9.8 KiB"),
                "the refusal names the quota, its use and its limit: " + message);
        expectError(http.head("/v2/quota/a/blobs/" + Digest.sha256(second)), 404, "BLOB_UNKNOWN", "nothing stored");
        expect(post("quota/a", first), 201, "content the repository holds already needs no room");
        expect(post("quota/b", second), 201, "each repository the quota covers has a limit of its own");
        expect(post("elsewhere/c", Content.random(3, 20_000)), 201, "repositories no quota covers are not limited");
    }

    @Test
    @DisplayName("end-5, end-6: a chunked upload is refused at the chunk that would pass the quota, before it is stored")
    void chunkedPastTheQuota() {
        byte[] blob = Content.random(4, 12_000);
        HttpResponse<byte[]> post = http.post("/v2/quota/chunks/blobs/uploads/", new byte[0]);
        expect(post, 202, "end-4a");
        String location = post.headers().firstValue("Location").orElseThrow();
        HttpResponse<byte[]> patch = http.patch(location, java.util.Arrays.copyOfRange(blob, 0, 6000),
                "Content-Type", "application/octet-stream", "Content-Range", "0-5999");
        expect(patch, 202, "end-5: within the quota");
        location = patch.headers().firstValue("Location").orElseThrow();
        expectError(http.patch(location, java.util.Arrays.copyOfRange(blob, 6000, 12_000), "Content-Type",
                "application/octet-stream", "Content-Range", "6000-11999"), 403, "DENIED", "end-5: past the quota");
        expectError(http.put(location + (location.contains("?") ? "&" : "?") + "digest=" + Digest.sha256(blob),
                java.util.Arrays.copyOfRange(blob, 6000, 12_000), "Content-Type", "application/octet-stream"),
                403, "DENIED", "end-6: a closing PUT past the quota");
        expectError(http.head("/v2/quota/chunks/blobs/" + Digest.sha256(blob)), 404, "BLOB_UNKNOWN", "nothing committed");
    }

    @Test
    @DisplayName("end-5: a chunk of undeclared length is cut off where the quota's room ends; the session is discarded")
    void undeclaredChunkCutOff() {
        byte[] blob = Content.random(9, 64 * 1024);
        HttpResponse<byte[]> post = http.post("/v2/quota/stream/blobs/uploads/", new byte[0]);
        expect(post, 202, "end-4a");
        String location = post.headers().firstValue("Location").orElseThrow();
        HttpResponse<byte[]> patch = http.send("PATCH", location,
                HttpTester.streaming(() -> new java.io.ByteArrayInputStream(blob)), "Content-Type", "application/octet-stream");
        expectError(patch, 403, "DENIED", "end-5: a streamed chunk past the quota");
        expectError(http.get(location), 404, "BLOB_UPLOAD_UNKNOWN", "end-13: the refused session is gone");
        expect(post("quota/stream", Content.random(10, 6000)), 201, "the refused bytes took no room");
    }

    @Test
    @DisplayName("end-11: a mount into a full repository is refused; repositories sharing a quota fill it together")
    void mountsAndSharedQuotas() {
        byte[] blob = Content.random(5, 6000);
        expect(post("elsewhere/src", blob), 201, "a source outside every quota");
        expect(post("quota/full", Content.random(6, 6000)), 201, "fills most of quota/full");
        expectError(http.post("/v2/quota/full/blobs/uploads/?mount=" + Digest.sha256(blob) + "&from=elsewhere/src",
                new byte[0]), 403, "DENIED", "end-11: a mount takes room as a push does");
        expect(post("team/a", Content.random(7, 6000)), 201, "team/a in the shared quota");
        expectError(post("team/b", Content.random(8, 6000)), 403, "DENIED", "team/b shares the quota with team/a");
    }

    @Test
    @DisplayName("end-4b: of 4 pushes racing into room for 3, exactly 3 succeed")
    void racingPushes() throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        racers = new CountDownLatch(4);
        try {
            List<Future<HttpResponse<byte[]>>> pushes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                byte[] blob = Content.random(10 + i, 3000);
                pushes.add(pool.submit(() -> {
                    start.await();
                    return post("quota/race", blob);
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<HttpResponse<byte[]>> push : pushes) {
                statuses.add(push.get(60, TimeUnit.SECONDS).statusCode());
            }
            assertEquals(3, statuses.stream().filter(s -> s == 201).count(), "3 of 3,000 bytes fit in 10,000: " + statuses);
            assertEquals(1, statuses.stream().filter(s -> s == 403).count(), "the fourth is refused: " + statuses);
        } finally {
            racers = null;
            pool.shutdownNow();
        }
    }
}
