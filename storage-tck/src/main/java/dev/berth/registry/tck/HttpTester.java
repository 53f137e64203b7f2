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

/**
 * The project's one test client for a registry over real HTTP/1.1 (java.net.http): the TCK's
 * protocol checks, the backends' own tests and the server's process tests all use it. Failures
 * to connect are unchecked; statuses are the caller's to assert.
 */
public final class HttpTester {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final URI base;

    /** @param base {@code http://HOST:PORT}, with or without a trailing slash */
    public HttpTester(URI base) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    public URI resolve(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    /** Sends one request; {@code headers} are name, value, name, value… */
    public HttpResponse<byte[]> send(String method, String path, BodyPublisher body, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(resolve(path)).method(method, body)
                .timeout(Duration.ofMinutes(10));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        HttpRequest request = builder.build();
        try {
            try {
                return CLIENT.send(request, BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (body.contentLength() < 0 || "PATCH".equals(method) || !lostToPoolRace(e)) {
                    throw e;
                }
                // JDK-8336655 (fixed in JDK 24): a connection taken from the JDK client's pool can
                // hand the server's answer to the pool's idle watcher, which closes the connection
                // ("connection closed locally") and fails the request. The server did answer;
                // sending once more is safe for all but PATCH, which would not continue where the
                // first one ended, and a streamed body, which cannot be sent twice.
                return CLIENT.send(request, BodyHandlers.ofByteArray());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** As {@link #send(String, String, BodyPublisher, String...)} with a byte body (null: none). */
    public HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) {
        return send(method, path, body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body), headers);
    }

    private static boolean lostToPoolRace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("connection closed locally")) {
                return true;
            }
        }
        return false;
    }

    public HttpResponse<byte[]> get(String path, String... headers) {
        return send("GET", path, BodyPublishers.noBody(), headers);
    }

    public HttpResponse<byte[]> head(String path, String... headers) {
        return send("HEAD", path, BodyPublishers.noBody(), headers);
    }

    public HttpResponse<byte[]> delete(String path) {
        return send("DELETE", path, BodyPublishers.noBody());
    }

    public HttpResponse<byte[]> post(String path, byte[] body, String... headers) {
        return send("POST", path, BodyPublishers.ofByteArray(body), headers);
    }

    public HttpResponse<byte[]> put(String path, byte[] body, String... headers) {
        return send("PUT", path, BodyPublishers.ofByteArray(body), headers);
    }

    public HttpResponse<byte[]> patch(String path, byte[] body, String... headers) {
        return send("PATCH", path, BodyPublishers.ofByteArray(body), headers);
    }

    /** A body of unknown length (chunked transfer encoding), as skopeo streams layers. */
    public static BodyPublisher streaming(Supplier<InputStream> in) {
        return BodyPublishers.ofInputStream(in);
    }

    /** end-4b: pushes a blob with one POST and checks the 201. */
    public Digest pushBlob(String repo, byte[] content) {
        Digest digest = Digest.sha256(content);
        HttpResponse<byte[]> r = post("/v2/" + repo + "/blobs/uploads/?digest=" + digest, content,
                "Content-Type", "application/octet-stream");
        expect(r, 201, "end-4b: single-POST blob push to " + repo);
        return digest;
    }

    /** Pushes a manifest by reference and returns its digest. */
    public Digest pushManifest(String repo, String reference, String mediaType, byte[] manifest) {
        HttpResponse<byte[]> r = put("/v2/" + repo + "/manifests/" + reference, manifest, "Content-Type", mediaType);
        expect(r, 201, "end-7: manifest PUT to " + repo + ":" + reference);
        return Digest.sha256(manifest);
    }

    /**
     * Pushes a config ({@code {}}) and {@code layer} to {@code repo}, each in one POST, and returns
     * an OCI image manifest naming them, for the caller to PUT under the tags it wants.
     */
    public byte[] imageManifest(String repo, byte[] layer) {
        byte[] config = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        pushBlob(repo, config);
        pushBlob(repo, layer);
        return Content.imageManifest(Digest.sha256(config), config.length, java.util.List.of(Digest.sha256(layer)),
                java.util.List.of((long) layer.length));
    }

    /** Pushes a config naming {@code layer}, the layer and a manifest under {@code tag}; returns the manifest. */
    public byte[] pushImage(String repo, String tag, byte[] layer) {
        byte[] config = ("{\"layer\":\"" + Digest.sha256(layer) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        pushBlob(repo, config);
        pushBlob(repo, layer);
        byte[] manifest = Content.imageManifest(Digest.sha256(config), config.length,
                java.util.List.of(Digest.sha256(layer)), java.util.List.of((long) layer.length));
        pushManifest(repo, tag, "application/vnd.oci.image.manifest.v1+json", manifest);
        return manifest;
    }

    /** Asserts a status, showing the body (the OCI error) when it differs. */
    public static void expect(HttpResponse<byte[]> r, int status, String what) {
        if (r.statusCode() != status) {
            fail(what + ": expected HTTP " + status + ", got " + r.statusCode() + " " + new String(r.body())
                    + " (" + r.request().method() + " " + r.uri() + ")");
        }
    }

    /**
     * Asserts a successful answer (200 or 206) before its body, so that a refusal shows its status
     * and OCI error rather than "array lengths differ".
     */
    public static void assertBody(byte[] expected, HttpResponse<byte[]> r, String what) {
        if (r.statusCode() != 200 && r.statusCode() != 206) {
            fail(what + ": expected HTTP 200 with " + expected.length + " bytes, got " + r.statusCode() + " "
                    + new String(r.body()) + " (" + r.request().method() + " " + r.uri() + ")");
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, r.body(), what + ": the body");
    }

    /** Asserts an OCI error response: status, JSON body with errors[0].code. */
    public static void expectError(HttpResponse<byte[]> r, int status, String code, String what) {
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

    public static JsonNode json(HttpResponse<byte[]> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("response is not JSON: " + new String(r.body()), e);
        }
    }

    public static String header(HttpResponse<byte[]> r, String name) {
        return r.headers().firstValue(name).orElseThrow(() -> new AssertionError(
                "response lacks header " + name + "; has " + r.headers().map().keySet()));
    }
}
