// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What one pruning pass removes, and that it holds back writers only for directories it removes. */
class DurablePruneTest {
    @TempDir
    Path root;

    @Test
    @DisplayName("empty directories go in one pass, deepest first; directories holding a file, and the root, stay")
    void removesNestedEmptyDirectories() throws Exception {
        Files.createDirectories(root.resolve("a/b/c"));
        Files.createFile(root.resolve("a/kept"));
        Files.createDirectories(root.resolve("d/e/f"));
        Files.createDirectories(root.resolve("g/_tags"));
        Files.createFile(root.resolve("g/_tags/v1"));

        assertEquals(5, Durable.pruneEmptyDirectories(root), "a/b/c, a/b, d/e/f, d/e and d");

        assertTrue(Files.exists(root.resolve("a/kept")));
        assertFalse(Files.exists(root.resolve("a/b")));
        assertFalse(Files.exists(root.resolve("d")));
        assertTrue(Files.exists(root.resolve("g/_tags/v1")));
        Files.delete(root.resolve("a/kept"));
        Files.delete(root.resolve("g/_tags/v1"));
        assertEquals(3, Durable.pruneEmptyDirectories(root), "a, g/_tags and g");
        assertTrue(Files.isDirectory(root));
    }

    @Test
    @DisplayName("a tree with no empty directory is walked while a writer is between creating a directory and writing into it")
    void leavesWritersAloneWhereNothingIsEmpty() throws Exception {
        for (int repo = 0; repo < 50; repo++) {
            Path links = Files.createDirectories(root.resolve("team" + repo + "/app/_blobs/sha256"));
            Files.createFile(links.resolve("abc"));
        }
        ExecutorService pruner = Executors.newSingleThreadExecutor();
        Durable.DIRECTORIES.readLock().lock(); // as a write holds it
        try {
            Future<Integer> pass = pruner.submit(() -> Durable.pruneEmptyDirectories(root));
            // trying to remove any of these directories would wait for this writer
            assertEquals(0, pass.get(30, TimeUnit.SECONDS));
        } finally {
            Durable.DIRECTORIES.readLock().unlock();
            pruner.shutdownNow();
        }
    }
}
