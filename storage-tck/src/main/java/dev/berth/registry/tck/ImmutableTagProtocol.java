// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static dev.berth.registry.tck.HttpTester.assertBody;
import static dev.berth.registry.tck.HttpTester.expect;
import static dev.berth.registry.tck.HttpTester.expectError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.core.ImmutableTags;
import dev.berth.registry.core.Registry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** end-7 and end-9 with immutable tags: the backend's tags under core's rules, over HTTP. */
abstract class ImmutableTagProtocol extends ProtocolContracts {
    /**
     * While set, the racing pushes' first manifest puts wait here for each other after storing
     * their manifest and before claiming the tag, so that every push has passed core's first check.
     */
    private volatile CyclicBarrier racers;
    private final AtomicInteger arrivals = new AtomicInteger();

    @Override
    Registry.Builder configure(Registry.Builder builder) {
        return builder.immutableTags(ImmutableTags.matching("fixed/**", "v*")).observeStorage((operation, nanos, outcome) -> {
            CyclicBarrier barrier = racers;
            if (barrier != null && operation.equals("ManifestHandler.put")
                    && arrivals.getAndIncrement() < barrier.getParties()) {
                try {
                    barrier.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the racing pushes did not all store their manifest", e);
                }
            }
        });
    }

    @Test
    @DisplayName("end-7: an immutable tag takes its first manifest, again and again; another is 403 DENIED")
    void pushOnce() {
        byte[] first = image("fixed/app", 80, "");
        byte[] second = image("fixed/app", 81, "");
        expect(http.put("/v2/fixed/app/manifests/v1", first, "Content-Type", OCI), 201, "end-7: a new immutable tag");
        expect(http.put("/v2/fixed/app/manifests/v1", first, "Content-Type", OCI), 201,
                "end-7: the same manifest again (a client retrying) must succeed");
        HttpResponse<byte[]> moved = http.put("/v2/fixed/app/manifests/v1", second, "Content-Type", OCI);
        expectError(moved, 403, "DENIED", "end-7: another manifest to an immutable tag");
        String message = new String(moved.body(), StandardCharsets.UTF_8);
        assertTrue(message.contains("immutable") && message.contains("fixed/**"), "the refusal names the rule: " + message);
        assertBody(first, http.get("/v2/fixed/app/manifests/v1"), "a refused push leaves the tag as it was");
        expect(http.put("/v2/fixed/app/manifests/v2", second, "Content-Type", OCI), 201,
                "end-7: a new tag matching the rule is created");
        expect(http.put("/v2/fixed/app/manifests/latest", first, "Content-Type", OCI), 201, "a tag the rule does not match");
        expect(http.put("/v2/fixed/app/manifests/latest", second, "Content-Type", OCI), 201, "moves as usual");
        byte[] elsewhere = image("mutable/app", 82, "");
        expect(http.put("/v2/mutable/app/manifests/v1", elsewhere, "Content-Type", OCI), 201, "another repository");
        expect(http.put("/v2/mutable/app/manifests/v1", image("mutable/app", 83, ""), "Content-Type", OCI), 201,
                "a repository the rule does not match moves its tags");
    }

    @Test
    @DisplayName("end-9: an immutable tag, and the manifest it names, cannot be deleted")
    void deletesRefused() {
        byte[] image = image("fixed/del", 84, "");
        Digest digest = http.pushManifest("fixed/del", "v1", OCI, image);
        expectError(http.delete("/v2/fixed/del/manifests/v1"), 403, "DENIED", "end-9: delete of an immutable tag");
        expectError(http.delete("/v2/fixed/del/manifests/" + digest), 403, "DENIED",
                "end-9: delete of the manifest an immutable tag names");
        assertBody(image, http.get("/v2/fixed/del/manifests/v1"), "both refusals leave the image whole");
        byte[] loose = image("fixed/del", 85, "");
        Digest untagged = http.pushManifest("fixed/del", "latest", OCI, loose);
        expect(http.delete("/v2/fixed/del/manifests/latest"), 202, "end-9: a mutable tag is deleted");
        expect(http.delete("/v2/fixed/del/manifests/" + untagged), 202, "end-9: a manifest no immutable tag names");
    }

    @Test
    @DisplayName("end-7, tag-claim-3: of 8 pushes racing to create one immutable tag exactly one wins")
    void racingPushes() throws Exception {
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            images.add(image("fixed/race", 90 + i, ""));
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(images.size());
        racers = new CyclicBarrier(images.size());
        try {
            List<Future<HttpResponse<byte[]>>> puts = new ArrayList<>();
            for (byte[] image : images) {
                puts.add(pool.submit(() -> {
                    start.await();
                    return http.put("/v2/fixed/race/manifests/v1", image, "Content-Type", OCI);
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            byte[] winner = null;
            for (int i = 0; i < puts.size(); i++) {
                HttpResponse<byte[]> put = puts.get(i).get(60, TimeUnit.SECONDS);
                statuses.add(put.statusCode());
                if (put.statusCode() == 201) {
                    winner = images.get(i);
                } else {
                    expectError(put, 403, "DENIED", "end-7: a push that lost the race for an immutable tag");
                }
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(),
                    "tag-claim-3: exactly one of the racing pushes must create the tag, got statuses " + statuses);
            assertBody(winner, http.get("/v2/fixed/race/manifests/v1"), "the tag names the winning push's manifest");
        } finally {
            racers = null;
            pool.shutdownNow();
        }
    }
}
