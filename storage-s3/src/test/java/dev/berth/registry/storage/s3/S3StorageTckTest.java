// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import dev.berth.registry.tck.StorageTck;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * The S3 backend passes the whole kit, GC safety included, against a real S3 server (s3proxy in
 * this JVM, or the store BERTH_S3_* names), in both checksum modes. Each check gets its own key
 * prefix: a fresh, empty registry.
 */
class S3StorageTckTest {
    static S3TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.shared();
    }

    static Storage open(String checksum, String prefix) throws IOException {
        Map<String, String> settings = new java.util.HashMap<>(server.settings(prefix));
        settings.put("checksum", checksum);
        settings.put("part-size", String.valueOf(5 << 20));
        return StorageProvider.named("s3").open(StorageConfig.of(settings));
    }

    @Nested
    class ChecksumsWhenRequired extends StorageTck {
        private String prefix;

        @Override
        protected Storage openStorage() throws IOException {
            prefix = "tck-" + UUID.randomUUID();
            return open("when-required", prefix);
        }

        @Override
        protected Optional<Storage> reopenStorage() throws IOException {
            return Optional.of(open("when-required", prefix)); // the same bucket and prefix: a restarted node
        }
    }

    @Nested
    class ChecksumsWhenSupported extends StorageTck {
        private String prefix;

        @Override
        protected Storage openStorage() throws IOException {
            prefix = "tck-" + UUID.randomUUID();
            return open("when-supported", prefix);
        }

        @Override
        protected Optional<Storage> reopenStorage() throws IOException {
            return Optional.of(open("when-supported", prefix)); // the same bucket and prefix: a restarted node
        }
    }
}
