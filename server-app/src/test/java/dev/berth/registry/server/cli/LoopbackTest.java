// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which addresses count as this machine only: without authentication, others get a warning. */
class LoopbackTest {
    @ParameterizedTest(name = "{0}: loopback {1}")
    @CsvSource({"127.0.0.1, true", "127.1.2.3, true", "::1, true", "'[::1]', true", "localhost, true",
            "0.0.0.0, false", "::, false", "10.1.2.3, false", "admin.example, false"})
    void loopbackIsAnAddressLiteralOrLocalhost(String host, boolean loopback) {
        assertEquals(loopback, Serve.isLoopback(host), host);
    }
}
