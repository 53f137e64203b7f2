// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.api.Digest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random content pushed in one call, the counterpart of go-containerregistry's
 * {@code random.Image} + {@code remote.Write}: images whose layers are real tar archives of the
 * given sizes, multi-platform indexes, and artifacts with a {@code subject}. Get one from
 * {@link TestRegistry#fixtures()}.
 *
 * <pre>{@code
 * PushedImage image = registry.fixtures().image("app:v1", 1024, 4096);   // two layers
 * }</pre>
 */
public final class Fixtures {
    static final String IMAGE_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    private static final String LAYER = "application/vnd.oci.image.layer.v1.tar";
    private static final String EMPTY = "application/vnd.oci.empty.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI registry;
    private final HttpClient client;

    Fixtures(URI registry, HttpClient client) {
        this.registry = registry;
        this.client = client;
    }

    /** Pushes a linux/amd64 image to {@code repo:tag} with one layer per size (bytes of file content each). */
    public PushedImage image(String reference, long... layerSizes) throws IOException, InterruptedException {
        Reference ref = Reference.parse(reference);
        return pushImage(ref.repository(), ref.tag(), "linux/amd64", layerSizes);
    }

    /**
     * Pushes an index to {@code repo:tag} with one image per platform ({@code os/arch} or
     * {@code os/arch/variant}), each with one layer of {@code layerSize} bytes; the images are
     * pushed by digest only.
     */
    public PushedIndex index(String reference, long layerSize, String... platforms)
            throws IOException, InterruptedException {
        Reference ref = Reference.parse(reference);
        if (platforms.length == 0) {
            throw new IllegalArgumentException("an index needs at least one platform");
        }
        List<PushedImage> images = new ArrayList<>();
        ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", INDEX);
        ArrayNode manifests = index.putArray("manifests");
        for (String platform : platforms) {
            PushedImage image = pushImage(ref.repository(), null, platform, layerSize);
            images.add(image);
            ObjectNode entry = descriptor(IMAGE_MANIFEST, image.digest(), image.manifest().length);
            String[] parts = platform.split("/");
            ObjectNode p = entry.putObject("platform").put("os", parts[0]).put("architecture", parts[1]);
            if (parts.length > 2) {
                p.put("variant", parts[2]);
            }
            manifests.add(entry);
        }
        byte[] bytes = JSON.writeValueAsBytes(index);
        Digest digest = putManifest(ref.repository(), ref.tag() == null ? null : ref.tag(), INDEX, bytes);
        return new PushedIndex(ref.repository(), digest, bytes, List.copyOf(images));
    }

    /**
     * Pushes an artifact of {@code artifactType} whose one layer is {@code payload}, with
     * {@code subject} as its subject (so the referrers API lists it); by digest only.
     */
    public PushedImage artifact(String repository, Digest subject, String artifactType, byte[] payload)
            throws IOException, InterruptedException {
        Objects.requireNonNull(subject, "subject");
        byte[] empty = {'{', '}'};
        Digest config = pushBlob(repository, empty);
        Digest layer = pushBlob(repository, payload);
        HttpResponse<byte[]> subjectHead = send(HttpRequest.newBuilder(url(repository, "manifests/" + subject))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        String subjectType = subjectHead.headers().firstValue("Content-Type").orElse(IMAGE_MANIFEST);
        long subjectSize = subjectHead.headers().firstValueAsLong("Content-Length").orElse(0);
        ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", IMAGE_MANIFEST)
                .put("artifactType", artifactType);
        manifest.set("config", descriptor(EMPTY, config, empty.length));
        manifest.putArray("layers").add(descriptor("application/octet-stream", layer, payload.length));
        manifest.set("subject", descriptor(subjectType, subject, subjectSize));
        byte[] bytes = JSON.writeValueAsBytes(manifest);
        Digest digest = putManifest(repository, null, IMAGE_MANIFEST, bytes);
        return new PushedImage(repository, digest, bytes, config, List.of(layer));
    }

    private PushedImage pushImage(String repository, String tag, String platform, long... layerSizes)
            throws IOException, InterruptedException {
        List<Digest> layers = new ArrayList<>();
        ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", IMAGE_MANIFEST);
        ArrayNode layerList = JSON.createArrayNode();
        ArrayNode diffIds = JSON.createArrayNode();
        for (int i = 0; i < layerSizes.length; i++) {
            byte[] tar = Tar.singleFile("layer-" + i + ".bin", random(layerSizes[i]));
            Digest layer = pushBlob(repository, tar);
            layers.add(layer);
            layerList.add(descriptor(LAYER, layer, tar.length));
            diffIds.add(layer.toString()); // uncompressed: the layer is its own diff
        }
        String[] parts = platform.split("/");
        ObjectNode config = JSON.createObjectNode().put("architecture", parts[1]).put("os", parts[0]);
        if (parts.length > 2) {
            config.put("variant", parts[2]);
        }
        config.putObject("rootfs").put("type", "layers").set("diff_ids", diffIds);
        byte[] configBytes = JSON.writeValueAsBytes(config);
        Digest configDigest = pushBlob(repository, configBytes);
        manifest.set("config", descriptor(CONFIG, configDigest, configBytes.length));
        manifest.set("layers", layerList);
        byte[] bytes = JSON.writeValueAsBytes(manifest);
        Digest digest = putManifest(repository, tag, IMAGE_MANIFEST, bytes);
        return new PushedImage(repository, digest, bytes, configDigest, List.copyOf(layers));
    }

    private static byte[] random(long size) {
        if (size < 0 || size > Integer.MAX_VALUE - 4096) {
            throw new IllegalArgumentException("layer size out of range: " + size);
        }
        byte[] bytes = new byte[(int) size];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private static ObjectNode descriptor(String mediaType, Digest digest, long size) {
        return JSON.createObjectNode().put("mediaType", mediaType).put("digest", digest.toString()).put("size", size);
    }

    private Digest pushBlob(String repository, byte[] content) throws IOException, InterruptedException {
        Digest digest = Digest.sha256(content);
        expect(201, send(HttpRequest.newBuilder(url(repository, "blobs/uploads/?digest=" + digest))
                .POST(HttpRequest.BodyPublishers.ofByteArray(content))
                .header("Content-Type", "application/octet-stream")), "blob push to " + repository);
        return digest;
    }

    private Digest putManifest(String repository, String tag, String mediaType, byte[] bytes)
            throws IOException, InterruptedException {
        Digest digest = Digest.sha256(bytes);
        expect(201, send(HttpRequest.newBuilder(url(repository, "manifests/" + (tag == null ? digest : tag)))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).header("Content-Type", mediaType)),
                "manifest push to " + repository);
        return digest;
    }

    private URI url(String repository, String rest) {
        return registry.resolve("/v2/" + repository + "/" + rest);
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(java.time.Duration.ofMinutes(5)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void expect(int status, HttpResponse<byte[]> response, String what) throws IOException {
        if (response.statusCode() != status) {
            throw new IOException(what + " answered " + response.statusCode() + ": "
                    + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** {@code repository[:tag]}; without a tag, pushed by digest only. */
    record Reference(String repository, String tag) {
        static Reference parse(String reference) {
            int slash = reference.lastIndexOf('/');
            int colon = reference.lastIndexOf(':');
            return colon > slash ? new Reference(reference.substring(0, colon), reference.substring(colon + 1))
                    : new Reference(reference, null);
        }
    }
}
