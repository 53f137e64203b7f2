// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Registry;
import dev.berth.registry.core.StorageObserver;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.NotFoundException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** An observed storage keeps exactly the capabilities it had, and the observer sees each call and its outcome. */
class StorageObserverTest {
    /** What the observer saw, as "operation outcome". */
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<Long> durations = new CopyOnWriteArrayList<>();
    private final StorageObserver observer = (operation, nanos, outcome) -> {
        durations.add(nanos);
        seen.add(operation + " " + outcome);
    };

    @Test
    @DisplayName("every capability of the memory storage still works when observed, and each call is seen")
    void capabilitiesSurviveObservation() throws Exception {
        try (TestRegistry registry = TestRegistry.start(Registry.builder().observeStorage(observer).build())) {
            byte[] content = "observed".getBytes(StandardCharsets.UTF_8);
            Digest digest = Requests.pushBlob(registry, "a/app", content);
            assertEquals(200, Requests.send(registry, "HEAD", "/v2/a/app/blobs/" + digest, null).statusCode());
            assertEquals(201, Requests.send(registry, "POST", "/v2/b/app/blobs/uploads/?mount=" + digest
                    + "&from=a/app", null).statusCode(), "the mount capability is still there");
            assertEquals(201, Requests.send(registry, "POST", "/v2/c/app/blobs/uploads/?mount=" + digest, null)
                    .statusCode(), "the locate capability is still there");
            assertEquals(202, Requests.send(registry, "DELETE", "/v2/b/app/blobs/" + digest, null).statusCode(),
                    "the delete capability is still there");
            assertEquals(404, Requests.send(registry, "GET", "/v2/b/app/blobs/" + digest, null).statusCode());
            HttpResponse<byte[]> wrong = Requests.send(registry, "POST", "/v2/a/app/blobs/uploads/?digest="
                    + Digest.sha256(new byte[] {1}), content);
            assertEquals(400, wrong.statusCode(), Requests.text(wrong));
            registry.fixtures().image("a/app:v1", 100);
            Collector.builder(registry.registry()).grace(Duration.ZERO).build().collect(true);

            assertSeen("BlobPutHandler.put OK", "BlobStatHandler.stat OK", "BlobMountHandler.mount OK",
                    "BlobLocateHandler.locate OK", "BlobDeleteHandler.delete OK", "BlobHandler.get NOT_FOUND",
                    "BlobPutHandler.put SIGNAL", "ManifestHandler.put OK", "CollectionHandler.blobs OK",
                    "ManifestHandler.repositories OK");
            assertTrue(seen.stream().noneMatch(s -> s.startsWith("BlobHandler.get") && s.endsWith("OK")),
                    "HEAD is answered by stat, never by opening the content: " + seen);
        }
    }

    @Test
    @DisplayName("an observed get-only blob handler gains no capability: pushes are refused, pulls are seen")
    void observationAddsNoCapability() throws Exception {
        BlobHandler getOnly = (repo, digest) -> {
            throw new NotFoundException(digest + " is not here");
        };
        try (TestRegistry registry = TestRegistry.start(Registry.builder().blobHandler(getOnly)
                .observeStorage(observer).build())) {
            HttpResponse<byte[]> push = Requests.send(registry, "POST", "/v2/a/app/blobs/uploads/", null);
            assertEquals(405, push.statusCode(), Requests.text(push));
            assertEquals(404, Requests.send(registry, "GET", "/v2/a/app/blobs/" + Digest.sha256(new byte[0]), null)
                    .statusCode());
            assertEquals(405, Requests.send(registry, "DELETE", "/v2/a/app/blobs/" + Digest.sha256(new byte[0]), null)
                    .statusCode(), "no delete capability appears");
            assertSeen("BlobHandler.get NOT_FOUND");
        }
    }

    private void assertSeen(String... expected) {
        for (String call : expected) {
            assertTrue(seen.contains(call), "the observer saw " + call + ": " + seen);
        }
        assertTrue(durations.stream().allMatch(nanos -> nanos >= 0), "durations are never negative: " + durations);
    }
}
