// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a test author's build resolves for registry-junit (the build writes the runtime closure
 * to target/runtime-closure.txt): at most 22 jars and 18 MB, this artifact included and JUnit's
 * own jars aside.
 */
class ClosureTest {
    private static final List<String> JUNIT_OWN = List.of("junit-jupiter-api-", "junit-platform-commons-",
            "opentest4j-", "apiguardian-api-");

    @Test
    @DisplayName("the runtime closure is at most 22 jars and 18 MB")
    void light() throws IOException {
        String classpath = Files.readString(Path.of("target/runtime-closure.txt")).trim();
        List<Path> jars = Arrays.stream(classpath.split(File.pathSeparator)).map(Path::of)
                .filter(jar -> JUNIT_OWN.stream().noneMatch(jar.getFileName().toString()::startsWith)).toList();
        long bytes = size(Path.of("target/classes"));
        for (Path jar : jars) {
            bytes += Files.size(jar);
        }
        String listing = jars.stream().map(j -> j.getFileName().toString()).sorted().toList().toString();
        int count = jars.size() + 1; // and registry-junit itself
        System.out.printf("registry-junit runtime closure: %d jars, %.1f MB: %s%n", count, bytes / 1e6, listing);
        assertTrue(count <= 22, count + " jars: " + listing);
        assertTrue(bytes <= 18_000_000L, bytes + " bytes: " + listing);
    }

    private static long size(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
