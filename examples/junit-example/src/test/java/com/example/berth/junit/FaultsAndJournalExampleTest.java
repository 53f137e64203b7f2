// SPDX-License-Identifier: Apache-2.0
package com.example.berth.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.core.testing.Fault;
import dev.berth.registry.core.testing.Journal;
import dev.berth.registry.core.Registry;
import dev.berth.registry.junit.PushedImage;
import dev.berth.registry.junit.TestRegistry;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** docs/testing.md's faults and journal, for people who write registry clients. */
class FaultsAndJournalExampleTest {
    @Test
    void faultsAndJournal() throws Exception {
        // snippet: faults
        Registry registry = Registry.builder()
                .journal()
                .fault(Fault.on("end-2").method("GET").repository("flaky/app").nth(1)
                        .tooManyRequests(Duration.ofSeconds(2)))
                .fault(Fault.on("end-2").method("GET").repository("flaky/app").nth(2).status(503))
                .fault(Fault.on("end-3").repository("flaky/drop").dropConnection())
                .fault(Fault.on("end-1").latency(Duration.ofMillis(50)))
                .build();
        try (TestRegistry server = TestRegistry.start(registry)) {
            PushedImage image = server.fixtures().image("flaky/app:v1", 1000);
            // … the client under test pulls server.host() + "/flaky/app:v1" …
            Journal journal = server.journal();
            journal.blobFetches("flaky/app", image.layers().get(0).toString()); // whole GETs of that blob
            journal.manifestPushed("flaky/app", "v1");                          // true
        // snippet: end
            String blob = "/v2/flaky/app/blobs/" + image.layers().get(0);
            HttpResponse<String> first = server.httpClient().send(HttpRequest.newBuilder(server.uri().resolve(blob))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(429, first.statusCode());
            assertEquals("2", first.headers().firstValue("Retry-After").orElse(""));
            assertEquals(503, server.httpClient().send(HttpRequest.newBuilder(server.uri().resolve(blob)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(0, journal.blobFetches("flaky/app", image.layers().get(0).toString()), "no GET delivered it");
            assertEquals(200, server.httpClient().send(HttpRequest.newBuilder(server.uri().resolve(blob)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(1, journal.blobFetches("flaky/app", image.layers().get(0).toString()));
            assertTrue(journal.manifestPushed("flaky/app", "v1"));
            assertFalse(journal.manifestPushed("flaky/app", "v2"));
        }
    }
}
