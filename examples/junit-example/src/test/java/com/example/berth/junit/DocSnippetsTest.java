// SPDX-License-Identifier: Apache-2.0
package com.example.berth.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * docs/testing.md is made of this module's tests: each Java block
 * there follows {@code <!-- snippet: NAME -->} and must equal the region between
 * {@code // snippet: NAME} and {@code // snippet: end} in a test here, and every code span of the
 * parity table must occur in one of those regions. A snippet that drifts fails the build.
 */
class DocSnippetsTest {
    private static final Path PAGE = Path.of("../../docs/testing.md");
    private static final Pattern BLOCK = Pattern.compile("<!-- snippet: ([a-z-]+) -->\\s*\\n```java\\n(.*?)```",
            Pattern.DOTALL);

    private static String page() throws IOException {
        return Files.readString(PAGE);
    }

    /** The marked regions of this module's tests, by name, dedented. */
    private static Map<String, String> regions() throws IOException {
        Map<String, String> regions = new LinkedHashMap<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/test/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(source);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).trim();
                    if (!line.startsWith("// snippet: ") || line.equals("// snippet: end")) {
                        continue;
                    }
                    String name = line.substring("// snippet: ".length());
                    List<String> body = new ArrayList<>();
                    int j = i + 1;
                    while (j < lines.size() && !lines.get(j).trim().equals("// snippet: end")) {
                        body.add(lines.get(j++));
                    }
                    assertTrue(j < lines.size(), source + ": region " + name + " has no // snippet: end");
                    assertFalse(regions.containsKey(name), "two regions named " + name);
                    regions.put(name, dedent(body));
                }
            }
        }
        return regions;
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line.isBlank() ? "" : line.substring(indent).stripTrailing()).append('\n');
        }
        return out.toString();
    }

    @Test
    @DisplayName("every Java block of the section is a test's marked region, verbatim, and every region is shown")
    void snippetsAreTheTests() throws IOException {
        String section = page();
        Map<String, String> regions = regions();
        Matcher blocks = BLOCK.matcher(section);
        List<String> shown = new ArrayList<>();
        while (blocks.find()) {
            String name = blocks.group(1);
            assertTrue(regions.containsKey(name), "docs/testing.md snippet " + name + " has no // snippet: " + name + " region");
            assertEquals(regions.get(name), blocks.group(2), "docs/testing.md snippet " + name + " differs from its test");
            shown.add(name);
        }
        int javaBlocks = section.split("```java", -1).length - 1;
        assertEquals(javaBlocks, shown.size(), "every ```java block of the section needs <!-- snippet: NAME -->");
        assertEquals(List.copyOf(regions.keySet()).stream().sorted().toList(), shown.stream().sorted().toList(),
                "every marked region appears in docs/testing.md once");
    }

    @Test
    @DisplayName("every code span of the parity table's Berth column occurs in a tested region")
    void parityTableIsTested() throws IOException {
        String section = page();
        int start = section.indexOf("<!-- parity -->");
        int end = section.indexOf("<!-- /parity -->");
        assertTrue(start >= 0 && end > start, "the section needs its <!-- parity --> table");
        String all = String.join("\n", regions().values()).replaceAll("\\s+", " ");
        int rows = 0;
        for (String row : section.substring(start, end).split("\n")) {
            String[] cells = row.split("\\|");
            if (cells.length < 3 || row.contains("---") || cells[2].contains("Berth")) {
                continue;
            }
            Matcher code = Pattern.compile("`([^`]+)`").matcher(cells[2]);
            while (code.find()) {
                assertTrue(all.contains(code.group(1).replaceAll("\\s+", " ")),
                        "parity table code `" + code.group(1) + "` occurs in no tested region");
            }
            rows++;
        }
        assertTrue(rows >= 9, "the table has a row per go-containerregistry feature; found " + rows);
    }
}
