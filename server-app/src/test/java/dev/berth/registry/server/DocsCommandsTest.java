// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every shell block of the documentation either runs in a test or says plainly, in the line
 * before it, that it is an example for another machine: a reader can tell which commands this
 * repository proves.
 */
class DocsCommandsTest {
    /** README.md's first two blocks (the newcomer's commands, the curl tour) run in {@link ReadmeTourIT}. */
    static final int README_BLOCKS_RUN = 2;

    @Test
    void everyShellBlockRunsInATestOrIsMarkedAsAnExample() throws Exception {
        List<String> unmarked = new ArrayList<>();
        for (Path page : DocBlocks.pages()) {
            List<DocBlocks.Block> blocks = DocBlocks.shell(page);
            boolean readme = page.equals(DocBlocks.ROOT.resolve("README.md"));
            for (int i = readme ? README_BLOCKS_RUN : 0; i < blocks.size(); i++) {
                if (!blocks.get(i).before().startsWith("*Example")) {
                    unmarked.add(blocks.get(i) + " (after \"" + blocks.get(i).before() + "\")");
                }
            }
        }
        assertEquals(List.of(), unmarked, "shell blocks that no test runs need a line starting with *Example before them");
    }

    @Test
    void readmeStartsWithTheBlocksTheTourTestRuns() throws Exception {
        List<DocBlocks.Block> blocks = DocBlocks.shell(DocBlocks.ROOT.resolve("README.md"));
        assertTrue(blocks.size() >= README_BLOCKS_RUN, "README.md has the newcomer's commands and the tour");
        assertTrue(blocks.get(0).text().contains("bash scripts/test.sh"), "README's first block gives the test command");
        assertTrue(blocks.get(1).text().startsWith("R=http://127.0.0.1:5000\n"), "the tour starts by naming the registry");
        String testCommand = blocks.get(0).text().lines().skip(1).findFirst().orElseThrow().split("#")[0].trim();
        assertTrue(Files.readString(DocBlocks.ROOT.resolve(".ci/run")).contains("\n" + testCommand + "\n"),
                "CI runs README's test command, " + testCommand);
    }
}
