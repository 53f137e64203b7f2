// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.tck.HttpTester;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without authentication the server is nobody else's to push to, unless the operator says so. */
class DefaultBindIT {
    @TempDir
    Path dir;

    @Test
    @DisplayName("no auth, no --host: loopback only, said at start; --host 0.0.0.0 warns; with htpasswd every interface")
    void bindsLoopbackWithoutAuthentication() throws Exception {
        try (ServerProcess open = ServerProcess.startOnAnyPort(List.of(), "-d", dir.resolve("a").toString())) {
            assertEquals("127.0.0.1", open.uri().getHost(), open.output());
            assertTrue(open.output().contains("this machine only"), open.output());
            assertFalse(open.output().contains("Berth warning"), open.output());
            assertEquals(200, new HttpTester(open.uri()).get("/v2/").statusCode());
        }
        try (ServerProcess wide = ServerProcess.startOnAnyPort(List.of(), "--host", "0.0.0.0",
                "-d", dir.resolve("b").toString())) {
            assertTrue(wide.output().contains("Berth warning: listening on 0.0.0.0 without authentication"),
                    wide.output());
        }
        Path users = dir.resolve("users.htpasswd");
        SecurityIT.writeHtpasswd(users, Map.of("ci", "secret-password"));
        try (ServerProcess authenticated = ServerProcess.startOnAnyPort(List.of(), "--htpasswd", users.toString(),
                "-d", dir.resolve("c").toString())) {
            assertTrue(authenticated.output().contains("Berth listening on http://0.0.0.0:"), authenticated.output());
            assertFalse(authenticated.output().contains("Berth warning"), authenticated.output());
            java.net.URI loopback = java.net.URI.create("http://127.0.0.1:" + authenticated.uri().getPort());
            assertEquals(401, new HttpTester(loopback).get("/v2/").statusCode());
        }
    }
}
