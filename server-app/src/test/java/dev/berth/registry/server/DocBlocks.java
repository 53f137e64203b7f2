// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The shell blocks of the project's documentation pages, each with the prose line before it. */
final class DocBlocks {
    /** The repository's root, seen from the server module (where Maven runs its tests). */
    static final Path ROOT = Path.of("..");

    record Block(Path page, int line, String before, String text) {
        @Override
        public String toString() {
            return ROOT.relativize(page) + ":" + line;
        }
    }

    private DocBlocks() {
    }

    /** README.md, docs/*.md and every module's README.md. */
    static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        try (Stream<Path> modules = Files.list(ROOT)) {
            modules.map(m -> m.resolve("README.md")).filter(Files::isRegularFile).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** The {@code ```sh} (or bash, console, shell) blocks of {@code page}, in order. */
    static List<Block> shell(Path page) throws IOException {
        List<String> lines = Files.readAllLines(page);
        List<Block> blocks = new ArrayList<>();
        String before = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("```")) {
                if (!line.isBlank()) {
                    before = line;
                }
                continue;
            }
            boolean shell = List.of("```sh", "```bash", "```console", "```shell").contains(line.trim());
            int start = i;
            StringBuilder text = new StringBuilder();
            while (++i < lines.size() && !lines.get(i).startsWith("```")) {
                text.append(lines.get(i)).append('\n');
            }
            if (shell) {
                blocks.add(new Block(page, start + 1, before, text.toString()));
            }
            before = "";
        }
        return blocks;
    }
}
