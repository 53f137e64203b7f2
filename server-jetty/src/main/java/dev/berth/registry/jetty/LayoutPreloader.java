// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Pushes an OCI image layout (a directory with {@code index.json} and {@code blobs/}) to a
 * registry over HTTP, the way a client would: blobs first, then manifests children-first, then
 * the tags named by {@code org.opencontainers.image.ref.name}.
 */
public final class LayoutPreloader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LayoutPreloader() {
    }

    public static void push(Path layout, URI registry, String repository) throws IOException, InterruptedException {
        push(layout, registry, repository, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
    }

    /** As {@link #push(Path, URI, String)}, through {@code client} (one that trusts a TLS registry). */
    public static void push(Path layout, URI registry, String repository, HttpClient client)
            throws IOException, InterruptedException {
        Set<String> done = new HashSet<>();
        for (JsonNode entry : JSON.readTree(layout.resolve("index.json").toFile()).path("manifests")) {
            pushManifest(client, layout, registry, repository, entry, done);
            String tag = entry.path("annotations").path("org.opencontainers.image.ref.name").asText("");
            if (!tag.isEmpty()) {
                put(client, registry, repository, tag, entry.get("mediaType").asText(), blob(layout, entry));
            }
        }
    }

    private static void pushManifest(HttpClient client, Path layout, URI registry, String repository, JsonNode descriptor,
                                     Set<String> done) throws IOException, InterruptedException {
        String digest = descriptor.get("digest").asText();
        if (!done.add(digest)) {
            return;
        }
        byte[] bytes = blob(layout, descriptor);
        JsonNode manifest = JSON.readTree(bytes);
        for (JsonNode child : manifest.path("manifests")) {
            pushManifest(client, layout, registry, repository, child, done);
        }
        if (manifest.has("config")) {
            pushBlob(client, layout, registry, repository, manifest.get("config"));
        }
        for (JsonNode layer : manifest.path("layers")) {
            pushBlob(client, layout, registry, repository, layer);
        }
        put(client, registry, repository, digest, descriptor.get("mediaType").asText(), bytes);
    }

    private static void pushBlob(HttpClient client, Path layout, URI registry, String repository, JsonNode descriptor)
            throws IOException, InterruptedException {
        String digest = descriptor.get("digest").asText();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(registry.resolve("/v2/" + repository
                        + "/blobs/uploads/?digest=" + digest))
                .POST(HttpRequest.BodyPublishers.ofFile(file(layout, digest))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IOException("preloading blob " + digest + " failed: " + r.statusCode() + " " + r.body());
        }
    }

    private static void put(HttpClient client, URI registry, String repository, String reference, String mediaType,
                            byte[] bytes) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(registry.resolve("/v2/" + repository
                        + "/manifests/" + reference)).header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IOException("preloading manifest " + reference + " failed: " + r.statusCode() + " " + r.body());
        }
    }

    private static byte[] blob(Path layout, JsonNode descriptor) throws IOException {
        return Files.readAllBytes(file(layout, descriptor.get("digest").asText()));
    }

    private static Path file(Path layout, String digest) {
        int colon = digest.indexOf(':');
        return layout.resolve("blobs").resolve(digest.substring(0, colon)).resolve(digest.substring(colon + 1));
    }
}
