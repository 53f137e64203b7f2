// SPDX-License-Identifier: Apache-2.0
package com.example.berth.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.core.testing.Fault;
import dev.berth.registry.core.Registry;
import dev.berth.registry.junit.EmbeddedRegistry;
import dev.berth.registry.junit.TestRegistry;
import dev.berth.registry.junit.TlsRegistry;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** docs/testing.md's JUnit 5 section. */
// snippet: extension
class ExtensionExampleTest {
    @EmbeddedRegistry(preload = "images/hello", repository = "library/hello")
    static TestRegistry shared;                                  // one per class, with an image pushed

    @EmbeddedRegistry(options = "flaky")
    TestRegistry fresh;                                          // a new one per test, built by flaky()

    @EmbeddedRegistry(tls = "registry.test")
    TlsRegistry secure;                                          // HTTPS with a generated certificate

    static Registry.Builder flaky() {                            // any builder option: journal, faults, …
        return Registry.builder().journal().fault(Fault.on("end-3").method("GET").nth(1).status(503));
    }

    @Test
    void parameters(@EmbeddedRegistry TestRegistry another) throws Exception {
        // … another registry for this test alone …
    // snippet: end
        assertEquals(200, status(another, "/v2/"));
        assertNotEquals(shared.port(), another.port());
    }

    private static int status(TestRegistry registry, String path) throws Exception {
        return registry.httpClient().send(HttpRequest.newBuilder(registry.uri().resolve(path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void preloadedAndOptions() throws Exception {
        assertEquals(200, status(shared, "/v2/library/hello/manifests/latest"));
        assertEquals(503, status(fresh, "/v2/library/hello/manifests/latest"), "the fault from flaky()");
        assertEquals(404, status(fresh, "/v2/library/hello/manifests/latest"), "fresh starts empty");
        assertTrue(fresh.journal().entries().size() >= 2);
        assertEquals(200, status(secure.server(), "/v2/"));
    }

    @Nested
    class WhenNested {
        @Test
        void outerFieldsAreThere() throws Exception {
            assertEquals(200, status(fresh, "/v2/"));
            assertEquals(200, status(shared, "/v2/library/hello/manifests/latest"));
        }
    }
}
