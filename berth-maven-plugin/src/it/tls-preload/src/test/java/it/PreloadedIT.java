// SPDX-License-Identifier: Apache-2.0
package it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PreloadedIT {
    private static final String MANIFEST = "sha256:09ade42fe3e69018a3360bb092265af902f9e7d6013146cf152c82ac3a944707";

    @Test
    void pullsThePreloadedImageOverHttps() throws Exception {
        URI registry = URI.create(System.getProperty("registry.url"));
        assertEquals("https", registry.getScheme());
        HttpClient https = HttpClient.newHttpClient(); // trusts the registry through javax.net.ssl.trustStore
        HttpRequest.Builder get = HttpRequest.newBuilder(registry.resolve("/v2/base/image/manifests/base"))
                .header("Accept", "application/vnd.oci.image.manifest.v1+json");
        assertEquals(401, https.send(get.build(), HttpResponse.BodyHandlers.discarding()).statusCode(), "credentials needed");
        String basic = Base64.getEncoder().encodeToString("ci:s3cret".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> manifest = https.send(get.header("Authorization", "Basic " + basic).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, manifest.statusCode(), manifest.body());
        assertEquals(MANIFEST, manifest.headers().firstValue("Docker-Content-Digest").orElse(""));
    }
}
