// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** README: the JUnit 5 extension, as a test that runs. */
class ExtensionExampleTest {
    @EmbeddedRegistry(preload = "images/hello", repository = "library/hello")
    static BerthServer shared;                                   // one per class, with an image pushed

    @EmbeddedRegistry(storage = "disk")
    BerthServer fresh;                                           // a new one per test, on a temporary directory

    private static int status(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void preloadedImage() throws Exception {
        HttpResponse<String> manifest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                shared.uri().resolve("/v2/library/hello/manifests/latest")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, manifest.statusCode());
        assertEquals("sha256:4cf6e9db170338c580c0b9b76f787866b6f0b261fa8223f64466c34bb96d57dc",
                manifest.headers().firstValue("Docker-Content-Digest").orElse(null));
        assertEquals(404, status(fresh.uri().resolve("/v2/library/hello/manifests/latest")), "fresh starts empty");
    }

    @Test
    void parameters(@EmbeddedRegistry BerthServer another) throws Exception {
        assertNotEquals(shared.port(), another.port());
        assertEquals(200, status(another.uri().resolve("/v2/")));
    }
}
