// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.api.Digest;
import dev.berth.registry.tck.HttpTester;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads racing one quota on the packaged server: together they never pass it. */
class QuotaRaceIT {
    @TempDir
    Path dir;

    @Test
    void sixUploadsRacingIntoRoomForThree() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                quotas:
                  - name: small
                    repositories: ["limited/*"]
                    max-bytes: 1MiB
                """);
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                "--policy", policy.toString(), "--no-request-log")) {
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<Integer>> pushes = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    byte[] blob = new byte[300_000];
                    new Random(i).nextBytes(blob);
                    HttpTester http = new HttpTester(server.uri());
                    pushes.add(pool.submit(() -> {
                        start.await();
                        HttpResponse<byte[]> r = http.post("/v2/limited/race/blobs/uploads/?digest=" + Digest.sha256(blob),
                                blob, "Content-Type", "application/octet-stream");
                        return r.statusCode();
                    }));
                }
                start.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> push : pushes) {
                    statuses.add(push.get(60, TimeUnit.SECONDS));
                }
                assertEquals(3, statuses.stream().filter(s -> s == 201).count(), "3 × 300,000 bytes fit in 1 MiB: " + statuses);
                assertEquals(3, statuses.stream().filter(s -> s == 403).count(), "the others are refused: " + statuses);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
