// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import dev.berth.registry.core.Registry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Protocol checks: the storage behind the real router, over real HTTP on 127.0.0.1. */
abstract class ProtocolContracts extends Contracts {
    RegistryHttp server;
    HttpTester http;

    @BeforeEach
    void serve() throws Exception {
        server = RegistryHttp.serve(configure(composed()).build());
        http = new HttpTester(server.uri());
    }

    static final String OCI = MediaType.OCI_MANIFEST.value();
    static final String INDEX = MediaType.OCI_INDEX.value();

    /** Pushes a config and one layer to {@code repo} and returns an image manifest over them. */
    byte[] image(String repo, long seed, String extra) {
        byte[] config = ("{\"seed\":" + seed + "}").getBytes(StandardCharsets.UTF_8);
        byte[] layer = Content.random(seed, 2000);
        Digest c = http.pushBlob(repo, config);
        Digest l = http.pushBlob(repo, layer);
        return Content.imageManifest(c, config.length, List.of(l), List.of((long) layer.length), extra);
    }

    /**
     * The storage, with the blob handler under test serving and storing blobs when there is one
     * (as the server's {@code --blobs} composes them); a read-only handler skips the flows, which push.
     */
    Registry.Builder composed() {
        Registry.Builder builder = Registry.builder().storage(storage());
        blobHandler().ifPresent(handler -> {
            require(handler, dev.berth.registry.spi.BlobPutHandler.class);
            builder.blobHandler(handler);
        });
        return builder;
    }

    /** Hook for checks that need other options. */
    Registry.Builder configure(Registry.Builder builder) {
        return builder;
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }
}
