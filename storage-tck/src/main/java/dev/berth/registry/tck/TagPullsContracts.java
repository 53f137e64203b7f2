// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.TagPullsHandler;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPI contracts of TagPullsHandler: last pull times for retention. */
abstract class TagPullsContracts extends Contracts {
    private static final Repository A = repo("tck/pulls");
    private static final Instant EARLIER = Instant.parse("2026-11-01T10:00:00.123Z");
    private static final Instant LATER = Instant.parse("2026-11-02T10:00:00.456Z");

    TagPullsHandler pulls() {
        return require(storage().manifests(), TagPullsHandler.class);
    }

    @Test
    @DisplayName("pulls-1, pulls-3: the latest recorded pull of each tag comes back, to the millisecond")
    void latestWins() throws IOException {
        pulls().put(A, ManifestContracts.manifest("pulled"), Set.of(new Tag("v1"), new Tag("v2")));
        assertEquals(Map.of(), pulls().pulls(A), "pulls-3: nothing recorded yet is an empty map");
        pulls().recordPull(A, new Tag("v1"), LATER);
        pulls().recordPull(A, new Tag("v1"), EARLIER);
        pulls().recordPull(A, new Tag("v2"), EARLIER);
        assertEquals(Map.of(new Tag("v1"), LATER, new Tag("v2"), EARLIER), pulls().pulls(A),
                "pulls-1: an earlier pull recorded after a later one must not lower it; pulls-3: to the millisecond");
    }

    @Test
    @DisplayName("pulls-2: pulls are per repository")
    void perRepository() throws IOException {
        Repository b = repo("tck/pulls-other");
        pulls().put(A, ManifestContracts.manifest("a"), Set.of(new Tag("v1")));
        pulls().put(b, ManifestContracts.manifest("b"), Set.of(new Tag("v1")));
        pulls().recordPull(A, new Tag("v1"), LATER);
        assertEquals(Map.of(), pulls().pulls(b), "pulls-2: a pull in " + A + " is not one in " + b);
    }
}
