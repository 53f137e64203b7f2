// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.core.testing.Fault;
import dev.berth.registry.core.testing.Journal;
import dev.berth.registry.core.Registry;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The journal records what the client got; faults match real routes and methods. */
class JournalAndFaultsTest {
    @Test
    @DisplayName("a dropped or cut blob GET is journaled as such and is not a fetch; a whole one is")
    void droppedAndShortReadsAreNotFetches() throws Exception {
        Registry built = Registry.builder().journal()
                .fault(Fault.on("end-2").method("GET").repository("j/app").nth(1).dropConnection())
                .fault(Fault.on("end-2").method("GET").repository("j/app").nth(2).shortRead(10))
                .build();
        try (TestRegistry registry = TestRegistry.start(built)) {
            Digest digest = Requests.pushBlob(registry, "j/app", new byte[50_000]);
            String path = "/v2/j/app/blobs/" + digest;
            assertEquals("", Requests.raw(registry, "GET", path, null), "dropped: not a byte");
            String cut = Requests.raw(registry, "GET", path, null);
            assertTrue(cut.startsWith("HTTP/1.1 200") && cut.contains("Content-Length: 50000"), cut);
            assertEquals(10, cut.length() - cut.indexOf("\r\n\r\n") - 4, "the body is cut after 10 bytes");
            assertEquals(50_000, Requests.send(registry, "GET", path, null).body().length, "whole");

            Journal journal = registry.journal();
            assertEquals(1, journal.blobFetches("j/app", digest.toString()), "only the whole GET delivered the blob");
            List<Journal.Entry> gets = journal.matching(e -> e.route().equals("end-2") && e.method().equals("GET"));
            assertEquals(List.of(Journal.Outcome.DROPPED, Journal.Outcome.TRUNCATED, Journal.Outcome.COMPLETE),
                    gets.stream().map(Journal.Entry::outcome).toList());
            assertEquals(0, gets.get(0).status(), "no answer reached the client");
        }
    }

    @Test
    @DisplayName("the journal holds a request as soon as its answer is read, without sleeping (300 GETs in a row)")
    void journalIsCurrentWhenTheAnswerArrives() throws Exception {
        try (TestRegistry registry = TestRegistry.start(Registry.builder().journal().build())) {
            Digest digest = Requests.pushBlob(registry, "j/now", new byte[4096]);
            for (int i = 1; i <= 300; i++) {
                assertEquals(200, Requests.send(registry, "GET", "/v2/j/now/blobs/" + digest, null).statusCode());
                assertEquals(i, registry.journal().blobFetches("j/now", digest.toString()), "after GET " + i);
            }
        }
    }

    @Test
    @DisplayName("a clear right after an answer forgets that request: it is never recorded after the clear (300 times)")
    void clearForgetsWhatWasAnswered() throws Exception {
        try (TestRegistry registry = TestRegistry.start(Registry.builder().journal().build())) {
            Digest digest = Requests.pushBlob(registry, "j/clear", new byte[64 * 1024]);
            for (int i = 1; i <= 300; i++) {
                assertEquals(200, Requests.send(registry, "GET", "/v2/j/clear/blobs/" + digest, null).statusCode());
                registry.journal().clear();
                assertEquals(List.of(), registry.journal().entries(), "after GET " + i);
            }
        }
    }

    @Test
    @DisplayName("dropped PATCH and PUT of an upload are journaled as DROPPED with no status, not as 200")
    void droppedUploadRequests() throws Exception {
        Registry built = Registry.builder().journal()
                .fault(Fault.on("end-5").nth(1).dropConnection())
                .fault(Fault.on("end-6").nth(1).dropConnection())
                .build();
        try (TestRegistry registry = TestRegistry.start(built)) {
            HttpResponse<byte[]> started = Requests.send(registry, "POST", "/v2/j/up/blobs/uploads/", null);
            String location = started.headers().firstValue("Location").orElseThrow();
            assertEquals("", Requests.raw(registry, "PATCH", location, new byte[100]));
            Digest digest = Digest.sha256(new byte[100]);
            assertEquals("", Requests.raw(registry, "PUT",
                    location + (location.contains("?") ? "&" : "?") + "digest=" + digest, new byte[100]));
            for (String route : List.of("end-5", "end-6")) {
                Journal.Entry entry = registry.journal().matching(e -> e.route().equals(route)).get(0);
                assertEquals(Journal.Outcome.DROPPED, entry.outcome(), route);
                assertEquals(0, entry.status(), route);
            }
        }
    }

    @Test
    @DisplayName("Fault.on refuses a route id the registry does not have, naming the ones it has")
    void unknownRouteIdsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fault.on("blob-get"));
        assertTrue(e.getMessage().contains("end-2") && e.getMessage().contains("blob-get"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Fault.on("end-2").method("BREW"));
    }

    @Test
    @DisplayName("method(\"GET\"): a push's HEAD existence checks do not use up nth(1) of a pull fault")
    void headsDoNotCountForAGetFault() throws Exception {
        Registry built = Registry.builder()
                .fault(Fault.on("end-2").method("GET").nth(1).status(503))
                .build();
        try (TestRegistry registry = TestRegistry.start(built)) {
            Digest digest = Requests.pushBlob(registry, "f/app", new byte[] {1});
            String path = "/v2/f/app/blobs/" + digest;
            assertEquals(200, Requests.send(registry, "HEAD", path, null).statusCode(), "a push's existence check");
            assertEquals(200, Requests.send(registry, "HEAD", path, null).statusCode());
            assertEquals(503, Requests.send(registry, "GET", path, null).statusCode(), "the first GET gets the fault");
            assertEquals(200, Requests.send(registry, "GET", path, null).statusCode());
        }
    }
}
