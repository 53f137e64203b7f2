// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every clause id a check's name cites is one the SPI's javadoc defines (or a distribution-spec
 * endpoint id), so a failing check leads a backend author to the sentence it enforces.
 */
class ClauseIdsTest {
    private static final Path SPI = Path.of("../registry-api/src/main/java/dev/berth/registry/spi");
    private static final Path KIT = Path.of("src/main/java/dev/berth/registry/tck");
    /** An id: words and a number or word after the last dash, as in put-2, manifest-put-5, gc-rescue. */
    private static final String ID = "[a-z]+(?:-[a-z]+)*-(?:[0-9]+[a-z]?|[a-z]+)";
    private static final Pattern DEFINED = Pattern.compile("\\b(" + ID + "):");
    private static final Pattern NAME = Pattern.compile("(?:@DisplayName\\(|@ParameterizedTest\\(name = )\"([^\"]+)\"");
    /** The distribution spec's endpoint ids, which protocol checks cite. */
    private static final Pattern SPEC = Pattern.compile("end-[0-9]+[a-z]?");

    private static String sources(Path dir) throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                all.append(Files.readString(f)).append('\n');
            }
        }
        return all.toString();
    }

    static Set<String> defined() throws IOException {
        Set<String> ids = new TreeSet<>();
        Matcher m = DEFINED.matcher(sources(SPI));
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    static Set<String> cited() throws IOException {
        Set<String> ids = new TreeSet<>();
        Matcher m = NAME.matcher(sources(KIT));
        while (m.find()) {
            String name = m.group(1);
            int colon = name.indexOf(':');
            if (colon < 0) {
                continue;
            }
            for (String id : name.substring(0, colon).split(",\\s*")) {
                if (id.matches(ID) && !SPEC.matcher(id).matches()) {
                    ids.add(id);
                }
            }
        }
        return ids;
    }

    @Test
    void everyClauseACheckCitesIsDefinedInTheSpi() throws IOException {
        Set<String> defined = defined();
        assertTrue(defined.containsAll(List.of("get-2", "put-2", "gc-rescue")), "the SPI defines clauses: " + defined);
        Set<String> undefined = new TreeSet<>(cited());
        undefined.removeAll(defined);
        assertEquals(Set.of(), undefined, "clause ids the kit's checks cite that no SPI javadoc defines (as \"id:\")");
    }
}
