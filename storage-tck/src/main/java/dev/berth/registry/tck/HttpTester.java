// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.api.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.function.Supplier;

/** A small client for protocol checks: real HTTP/1.1 through java.net.http. */
final class HttpTester {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final URI base;

    HttpTester(URI base) {
        this.base = base;
    }

    URI resolve(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    HttpResponse<byte[]> send(String method, String path, BodyPublisher body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(path)).method(method, body)
                .timeout(Duration.ofMinutes(5));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return client.send(request.build(), BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> get(String path, String... headers) {
        return send("GET", path, BodyPublishers.noBody(), headers);
    }

    HttpResponse<byte[]> head(String path, String... headers) {
        return send("HEAD", path, BodyPublishers.noBody(), headers);
    }

    HttpResponse<byte[]> delete(String path) {
        return send("DELETE", path, BodyPublishers.noBody());
    }

    HttpResponse<byte[]> post(String path, byte[] body, String... headers) {
        return send("POST", path, BodyPublishers.ofByteArray(body), headers);
    }

    HttpResponse<byte[]> put(String path, byte[] body, String... headers) {
        return send("PUT", path, BodyPublishers.ofByteArray(body), headers);
    }

    HttpResponse<byte[]> patch(String path, byte[] body, String... headers) {
        return send("PATCH", path, BodyPublishers.ofByteArray(body), headers);
    }

    /** A body of unknown length (chunked transfer encoding), as skopeo streams layers. */
    static BodyPublisher streaming(Supplier<InputStream> in) {
        return BodyPublishers.ofInputStream(in);
    }

    /** end-4b: pushes a blob with one POST and checks the 201. */
    Digest pushBlob(String repo, byte[] content) {
        Digest digest = Digest.sha256(content);
        HttpResponse<byte[]> r = post("/v2/" + repo + "/blobs/uploads/?digest=" + digest, content,
                "Content-Type", "application/octet-stream");
        expect(r, 201, "end-4b: single-POST blob push to " + repo);
        return digest;
    }

    /** Pushes a manifest by reference and returns its digest. */
    Digest pushManifest(String repo, String reference, String mediaType, byte[] manifest) {
        HttpResponse<byte[]> r = put("/v2/" + repo + "/manifests/" + reference, manifest, "Content-Type", mediaType);
        expect(r, 201, "end-7: manifest PUT to " + repo + ":" + reference);
        return Digest.sha256(manifest);
    }

    /** Asserts a status, showing the body (the OCI error) when it differs. */
    static void expect(HttpResponse<byte[]> r, int status, String what) {
        if (r.statusCode() != status) {
            fail(what + ": expected HTTP " + status + ", got " + r.statusCode() + " " + new String(r.body())
                    + " (" + r.request().method() + " " + r.uri() + ")");
        }
    }

    /** Asserts an OCI error response: status, JSON body with errors[0].code. */
    static void expectError(HttpResponse<byte[]> r, int status, String code, String what) {
        expect(r, status, what);
        if (r.request().method().equals("HEAD")) {
            return;
        }
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                what + ": an error body must be JSON, Content-Type was " + r.headers().firstValue("Content-Type"));
        JsonNode errors = json(r).get("errors");
        assertTrue(errors != null && errors.isArray() && errors.size() > 0,
                what + ": body must be {\"errors\":[…]}, was " + new String(r.body()));
        assertEquals(code, errors.get(0).get("code").asText(), what + ": error code");
    }

    static JsonNode json(HttpResponse<byte[]> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("response is not JSON: " + new String(r.body()), e);
        }
    }

    static String header(HttpResponse<byte[]> r, String name) {
        return r.headers().firstValue(name).orElseThrow(() -> new AssertionError(
                "response lacks header " + name + "; has " + r.headers().map().keySet()));
    }
}
