// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageProvider;
import dev.berth.registry.spi.VerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What an operator gets for wrong or missing settings, and create-bucket. */
class S3SettingsTest {
    private static S3TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.shared();
    }

    private static Map<String, String> settings(Map<String, String> changes) {
        Map<String, String> settings = new HashMap<>(server.settings("settings-" + UUID.randomUUID()));
        settings.putAll(changes);
        settings.values().removeIf(String::isEmpty);
        return settings;
    }

    private static Storage open(Map<String, String> settings) throws IOException {
        return StorageProvider.named("s3").open(settings); // as the server opens it: keys checked
    }

    /** Opening with {@code override} fails at start, and the message names {@code setting}. */
    private static void refused(Map<String, String> override, String setting) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> open(settings(override)));
        assertTrue(e.getMessage().contains(setting), e.getMessage());
    }

    @Test
    @DisplayName("bad settings fail at start and name the setting")
    void badSettings() {
        refused(Map.of("bucket", ""), "bucket");
        refused(Map.of("part-size", "1048576"), "part-size");
        refused(Map.of("checksum", "always"), "checksum");
        refused(Map.of("secret-key", ""), "access-key"); // half a key pair
        refused(Map.of("bukcet", "x"), "unknown storage setting \"bukcet\" for s3 (did you mean \"bucket\"?)");
        refused(Map.of("sync-chunks", "true"), "s3 reads bucket, endpoint, region,"); // a disk setting
    }

    @Test
    @DisplayName("a missing bucket is named at start; create-bucket=true creates it")
    void missingBucket() throws Exception {
        Assumptions.assumeTrue(server.inProcess(), "creates buckets only on the in-process server");
        String name = "fresh-" + UUID.randomUUID().toString().substring(0, 8);
        IOException missing = assertThrows(IOException.class, () -> open(settings(Map.of("bucket", name))));
        assertTrue(missing.getMessage().contains(name), missing.getMessage());
        try (Storage storage = open(settings(Map.of("bucket", name, "create-bucket", "true")))) {
            byte[] content = "in a new bucket".getBytes(StandardCharsets.UTF_8);
            Digest digest = Digest.sha256(content);
            Repository repo = Repository.parse("fresh/app");
            ((BlobPutHandler) storage.blobs()).put(repo, digest,
                    new VerifyingInputStream(new ByteArrayInputStream(content), digest, content.length));
            try (InputStream in = storage.blobs().get(repo, digest)) {
                assertArrayEquals(content, in.readAllBytes());
            }
        }
    }
}
