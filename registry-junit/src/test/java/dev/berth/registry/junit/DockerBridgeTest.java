// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The references DockerBridge gives, and the daemons and registries it refuses (dockerd itself: DockerBridgeIT in server-app). */
class DockerBridgeTest {
    @Test
    void localDaemonsGetTheLoopbackReference() throws Exception {
        try (TestRegistry registry = TestRegistry.start()) {
            String expected = "127.0.0.1:" + registry.port() + "/team/app:1";
            for (String host : new String[] {"", "unix:///var/run/docker.sock", "tcp://127.0.0.1:2375", "tcp://localhost:2375"}) {
                assertEquals(expected, DockerBridge.reference(registry, "team/app:1", Optional.of(host)), host);
            }
            assertEquals(expected, DockerBridge.reference(registry, "team/app:1", Optional.empty()));
            String digest = "team/app@sha256:" + "a".repeat(64);
            assertEquals("127.0.0.1:" + registry.port() + "/" + digest, DockerBridge.reference(registry, digest, Optional.empty()));
        }
    }

    @Test
    void remoteDaemonsBadNamesAndTlsAreRefusedWithTheReason() throws Exception {
        try (TestRegistry registry = TestRegistry.start()) {
            for (String host : new String[] {"tcp://build-host:2376", "ssh://ci@build-host"}) {
                IllegalStateException remote = assertThrows(IllegalStateException.class,
                        () -> DockerBridge.reference(registry, "app:1", Optional.of(host)));
                assertTrue(remote.getMessage().contains("cannot reach this JVM's 127.0.0.1"), remote.getMessage());
            }
            assertThrows(IllegalArgumentException.class, () -> DockerBridge.reference(registry, "App:1", Optional.empty()));
            assertThrows(IllegalArgumentException.class, () -> DockerBridge.reference(registry, "app:bad tag", Optional.empty()));
        }
        try (TlsRegistry tls = TestRegistry.tls("registry.test")) {
            IllegalArgumentException https = assertThrows(IllegalArgumentException.class,
                    () -> DockerBridge.reference(tls.server(), "app:1", Optional.empty()));
            assertTrue(https.getMessage().contains("certs.d"), https.getMessage());
        }
    }
}
