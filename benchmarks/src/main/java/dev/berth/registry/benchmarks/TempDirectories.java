// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The data directories benchmarks build, removed afterwards: some hold hundreds of megabytes of inodes. */
final class TempDirectories {
    private TempDirectories() {
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
