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
        server = RegistryHttp.serve(configure(Registry.builder().storage(storage())).build());
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
