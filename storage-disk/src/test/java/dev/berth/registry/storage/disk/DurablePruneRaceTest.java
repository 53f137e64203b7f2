// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers creating entries in directories that pruning removes the moment they are empty: every
 * write must land, however the two interleave (no retry budget to run out of).
 */
class DurablePruneRaceTest {
    @TempDir
    Path root;

    @Test
    @DisplayName("4 writers creating and emptying nested directories while pruning runs back to back: no write fails")
    void writesNeverLoseTheirDirectory() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            Future<Integer> pruning = pool.submit(() -> {
                int removed = 0;
                while (!done.get()) {
                    removed += Durable.pruneEmptyDirectories(root);
                }
                return removed;
            });
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 3000; i++) {
                        // all writers share the deep directories, as pushes to one repository do
                        Path marker = root.resolve("repo/app/_layers/sha256").resolve(writer + "-" + i);
                        Durable.touch(marker);
                        assertTrue(Files.exists(marker), "written: " + marker);
                        Durable.delete(marker);
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(5, TimeUnit.MINUTES);
            }
            done.set(true);
            assertTrue(pruning.get(1, TimeUnit.MINUTES) > 0, "pruning did remove directories meanwhile");
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
    }
}
