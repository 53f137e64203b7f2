// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import dev.berth.registry.core.Registry;
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
