// SPDX-License-Identifier: Apache-2.0
package com.example.mine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** This project's pom.xml is docs/backends.md's: a change to either that breaks the other fails here. */
class DocsPomTest {
    @Test
    void pomIsTheDocumentedOne() throws IOException {
        String page = Files.readString(Path.of("../../docs/backends.md"));
        Matcher block = Pattern.compile("```xml\\n(<project.*?</project>\\n)```", Pattern.DOTALL).matcher(page);
        assertTrue(block.find(), "docs/backends.md shows a pom.xml");
        String pom = Files.readString(Path.of("pom.xml"));
        assertTrue(pom.endsWith(block.group(1)), "pom.xml must end with docs/backends.md's block, verbatim:\n"
                + block.group(1));
    }
}
