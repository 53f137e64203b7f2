// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Registry;
import dev.berth.registry.jetty.BerthServer;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import dev.berth.registry.storage.s3.S3TestServer;
import dev.berth.registry.tck.HttpTester;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Berth nodes in one JVM, each with its own storage object and registry, sharing nothing but one
 * bucket prefix of a real S3 server (s3proxy). Clients talk real HTTP to whichever node a test
 * picks, as they would behind a load balancer.
 */
final class S3Cluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final S3TestServer s3;
    private final String prefix = "cluster-" + UUID.randomUUID();
    private final List<BerthServer> servers = new ArrayList<>();
    private final List<URI> bases = new ArrayList<>();

    private S3Cluster(S3TestServer s3) {
        this.s3 = s3;
    }

    static S3Cluster start(int nodes) throws Exception {
        S3Cluster cluster = new S3Cluster(S3TestServer.shared());
        try {
            for (int i = 0; i < nodes; i++) {
                Storage storage = StorageProvider.named("s3").open(StorageConfig.of(cluster.settings()));
                BerthServer node = BerthServer.start(Registry.builder().storage(storage).build());
                cluster.servers.add(node);
                cluster.bases.add(URI.create(node.uri().toString().replaceAll("/$", "")));
            }
        } catch (Exception e) {
            cluster.close(); // the nodes already started
            throw e;
        }
        return cluster;
    }

    @Override
    public void close() throws Exception {
        for (BerthServer node : servers) {
            node.close();
            node.registry().storage().close();
        }
    }

    /** Node {@code i}'s base URI, without a trailing slash. */
    URI node(int i) {
        return bases.get(i);
    }

    BerthServer server(int i) {
        return servers.get(i);
    }

    S3TestServer s3() {
        return s3;
    }

    /** The key prefix in the bucket that the nodes share. */
    String prefix() {
        return prefix;
    }

    /** The S3 settings every node was opened with. */
    Map<String, String> settings() {
        return s3.settings(prefix);
    }

    S3Client client() {
        Map<String, String> settings = settings();
        return S3Client.builder().endpointOverride(URI.create(settings.get("endpoint")))
                .region(Region.of(settings.get("region"))).forcePathStyle(Boolean.parseBoolean(settings.get("path-style")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        settings.get("access-key"), settings.get("secret-key"))))
                .build();
    }


    static boolean pullWhole(URI base, String repo, String tag, byte[] manifest) throws Exception {
        HttpResponse<byte[]> m = new HttpTester(base).send("GET", "/v2/" + repo + "/manifests/" + tag, (byte[]) null,
                "Accept", OciLayouts.MANIFEST);
        assertEquals(200, m.statusCode(), base + " " + repo + ":" + tag);
        assertArrayEquals(manifest, m.body());
        JsonNode json = JSON.readTree(manifest);
        List<JsonNode> blobs = new ArrayList<>();
        blobs.add(json.get("config"));
        json.get("layers").forEach(blobs::add);
        for (JsonNode blob : blobs) {
            HttpResponse<byte[]> b = new HttpTester(base).get("/v2/" + repo + "/blobs/" + blob.get("digest").asText());
            assertEquals(200, b.statusCode(), "blob " + blob.get("digest").asText() + " through " + base);
            assertEquals(blob.get("digest").asText(), Digest.sha256(b.body()).toString());
        }
        return true;
    }

    static byte[] manifest(Digest config, int configSize, Digest layer, int layerSize) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + OciLayouts.MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config
                + "\",\"size\":" + configSize + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                + "\"digest\":\"" + layer + "\",\"size\":" + layerSize + "}]}").getBytes(StandardCharsets.UTF_8);
    }

    /** PATCHes {@code chunk} at {@code offset}; returns the next location. */
    static String patch(URI base, String location, byte[] chunk, long offset) throws Exception {
        HttpResponse<byte[]> r = new HttpTester(base).send("PATCH", location, chunk, "Content-Type", "application/octet-stream",
                "Content-Range", offset + "-" + (offset + chunk.length - 1));
        assertEquals(202, r.statusCode(), "PATCH at " + base + ": " + new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("0-" + (offset + chunk.length - 1), r.headers().firstValue("Range").orElse(""));
        return path(r);
    }

    static String path(HttpResponse<byte[]> r) {
        String location = r.headers().firstValue("Location").orElseThrow();
        URI uri = URI.create(location);
        return uri.isAbsolute() ? uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                : location;
    }

    static String sep(String location) {
        return location.contains("?") ? "&" : "?";
    }

    static byte[] random(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
