// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Registry;
import dev.berth.registry.core.Upstream;
import dev.berth.registry.spi.NotFoundException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Expiry of cached content through the online collector, which keeps what another repository still links. */
class MirrorExpiryTest {
    @Test
    @DisplayName("two cached repositories share a layer; one expires: its manifest goes, the other still pulls whole")
    void expiryKeepsASharedLayer() throws Exception {
        try (TestRegistry upstream = TestRegistry.start()) {
            PushedImage image = upstream.fixtures().image("team/a:v1", 5000, 7000);
            List<Digest> blobs = new ArrayList<>(image.layers());
            blobs.add(image.config());
            for (Digest blob : blobs) { // team/b: the same image, so every layer is shared
                assertEquals(201, Requests.send(upstream, "POST", "/v2/team/b/blobs/uploads/?mount=" + blob
                        + "&from=team/a", null).statusCode());
            }
            assertEquals(201, Requests.send(upstream, "PUT", "/v2/team/b/manifests/v1", image.manifest(), "Content-Type",
                    "application/vnd.oci.image.manifest.v1+json").statusCode());

            Registry built = Registry.builder()
                    .mirror(Upstream.of("short", upstream.uri()).expireAfter(Duration.ofHours(1)))
                    .mirror(Upstream.of("long", upstream.uri()).expireAfter(Duration.ofDays(30))).build();
            try (TestRegistry mirror = TestRegistry.start(built)) {
                for (String repo : List.of("short/team/a", "long/team/b")) {
                    assertEquals(200, Requests.send(mirror, "GET", "/v2/" + repo + "/manifests/v1", null).statusCode());
                    for (Digest blob : blobs) {
                        assertEquals(200, Requests.send(mirror, "GET", "/v2/" + repo + "/blobs/" + blob, null).statusCode());
                        MirrorTest.awaitStored(mirror, Repository.parse(repo), blob);
                    }
                }
                Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(3)); // past short's hour and the pull record's
                Collector.Report report = Collector.builder(built).clock(later).grace(Duration.ofMinutes(1)).build()
                        .collect(false);
                assertEquals(1, report.tagsRemovedByRule().getOrDefault("mirror short", 0), report.toString());
                assertThrows(NotFoundException.class,
                        () -> built.storage().manifests().get(Repository.parse("short/team/a"), image.digest()));
                for (Digest blob : blobs) {
                    HttpResponse<byte[]> got = Requests.send(mirror, "GET", "/v2/long/team/b/blobs/" + blob, null);
                    assertEquals(200, got.statusCode(), "long/team/b still holds " + blob);
                    assertEquals(blob, Digest.sha256(got.body()));
                }
                assertTrue(built.storage().manifests().get(Repository.parse("long/team/b"), image.digest()).content().length > 0);
            }
        }
    }
}
