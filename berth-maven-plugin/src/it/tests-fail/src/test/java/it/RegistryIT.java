// SPDX-License-Identifier: Apache-2.0
package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RegistryIT {
    @Test
    void pushesThenFails() throws Exception {
        URI registry = URI.create(System.getProperty("registry.url"));
        HttpClient http = HttpClient.newHttpClient();
        byte[] blob = "kept on disk".getBytes(StandardCharsets.UTF_8);
        String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
        HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(registry.resolve("/v2/it/data/blobs/uploads/?digest=" + digest))
                .POST(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("registry answered " + pushed.statusCode() + " for " + digest);
        assertEquals(201, pushed.statusCode(), pushed.body());
        URI second = URI.create(System.getProperty("second.url"));
        assertNotEquals(registry, second, "two registries");
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(second.resolve("/v2/it/data/blobs/" + digest)).build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.println("second registry answered " + other.statusCode());
        assertEquals(404, other.statusCode(), "the second registry is another one, without the blob");
        fail("failing on purpose: berth:stop runs all the same");
    }
}
