// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.Registry;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Go's WithBlobHandler end to end: blobs through the handler, manifests and tags in the storage. */
class BlobHandlerTest {
    private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    @Test
    @DisplayName("an image pushed through an in-memory blob handler: manifest accepted, every blob pulled back")
    void pushAndPullThroughTheHandler() throws Exception {
        try (TestRegistry registry = TestRegistry.start(Registry.builder().blobHandler(BlobHandlers.inMemory()).build())) {
            PushedImage image = registry.fixtures().image("handled/app:v1", 1000, 3000);
            HttpResponse<byte[]> manifest = Requests.send(registry, "GET", "/v2/handled/app/manifests/v1", null,
                    "Accept", MANIFEST);
            assertEquals(200, manifest.statusCode(), Requests.text(manifest));
            assertArrayEquals(image.manifest(), manifest.body());
            for (Digest layer : image.layers()) {
                HttpResponse<byte[]> blob = Requests.send(registry, "GET", "/v2/handled/app/blobs/" + layer, null);
                assertEquals(layer, Digest.sha256(blob.body()), "the handler serves what was pushed");
            }
            HttpResponse<byte[]> missing = Requests.send(registry, "PUT", "/v2/handled/app/manifests/bad",
                    manifestNaming(Digest.sha256(new byte[] {9})), "Content-Type", MANIFEST);
            assertEquals(400, missing.statusCode(), "a blob the handler lacks is still refused");
            assertTrue(Requests.text(missing).contains("MANIFEST_BLOB_UNKNOWN"), Requests.text(missing));
        }
    }

    @Test
    @DisplayName("a disk blob handler serves its blobs again after the registry restarts on the same directory")
    void diskHandlerSurvivesARestart(@TempDir Path dir) throws Exception {
        Digest layer;
        try (TestRegistry first = TestRegistry.start(Registry.builder().blobHandler(BlobHandlers.onDisk(dir)).build())) {
            layer = first.fixtures().image("kept/app:v1", 5000).layers().get(0);
        }
        try (TestRegistry second = TestRegistry.start(Registry.builder().blobHandler(BlobHandlers.onDisk(dir)).build())) {
            HttpResponse<byte[]> blob = Requests.send(second, "GET", "/v2/kept/app/blobs/" + layer, null);
            assertEquals(200, blob.statusCode());
            assertEquals(layer, Digest.sha256(blob.body()));
            assertEquals(404, Requests.send(second, "GET", "/v2/other/blobs/" + layer, null).statusCode(),
                    "repositories keep their own lists");
        }
    }

    /** Read-only fixtures: a handler that implements only get, over content the test prepared. */
    private record Fixed(Map<Digest, byte[]> blobs) implements BlobHandler {
        @Override
        public InputStream get(Repository repo, Digest digest) throws NotFoundException {
            byte[] bytes = blobs.get(digest);
            if (bytes == null) {
                throw new NotFoundException("not a fixture: " + digest);
            }
            return new ByteArrayInputStream(bytes);
        }
    }

    @Test
    @DisplayName("a get-only handler: manifests naming its blobs are accepted and pulled; blob pushes get 405")
    void readOnlyHandler() throws Exception {
        byte[] config = "{}".getBytes();
        Map<Digest, byte[]> blobs = new ConcurrentHashMap<>(Map.of(Digest.sha256(config), config));
        try (TestRegistry registry = TestRegistry.start(Registry.builder().blobHandler(new Fixed(blobs)).build())) {
            HttpResponse<byte[]> put = Requests.send(registry, "PUT", "/v2/fixed/app/manifests/v1",
                    manifestNaming(Digest.sha256(config)), "Content-Type", MANIFEST);
            assertEquals(201, put.statusCode(), Requests.text(put));
            assertEquals("{}", Requests.text(Requests.send(registry, "GET",
                    "/v2/fixed/app/blobs/" + Digest.sha256(config), null)));
            HttpResponse<byte[]> push = Requests.send(registry, "POST", "/v2/fixed/app/blobs/uploads/", null);
            assertEquals(405, push.statusCode());
            assertTrue(Requests.text(push).contains("UNSUPPORTED") && Requests.text(push).contains("read-only"),
                    Requests.text(push));
        }
    }

    static byte[] manifestNaming(Digest config) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config + "\",\"size\":2},\"layers\":[]}")
                .getBytes();
    }
}
