// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.core.Registry;
import dev.berth.registry.core.Upstream;
import dev.berth.registry.junit.TestRegistry;
import dev.berth.registry.testcontainers.BerthMirrorSubstitutor;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Testcontainers itself starts a container from a Docker Hub name that BerthMirrorSubstitutor
 * sent through a Berth cache: the daemon pulls it from the cache, which fetched it from the
 * "Docker Hub" upstream, and the container runs. The image is Berth's own (nothing else with an
 * entrypoint can be had here), pushed to the upstream by the daemon.
 */
class SubstitutedContainerIT {
    @Test
    void testcontainersRunsAnImagePulledThroughTheCache() throws Exception {
        try (TestRegistry hub = TestRegistry.start(Registry.builder().journal().build());
             TestRegistry cache = TestRegistry.start(Registry.builder().journal()
                     .mirror(Upstream.of("docker.io", hub.uri()).asDefault()).build());
             Dockerd docker = Dockerd.start(daemonDirectory())) {
            docker.ok("load", "-i", System.getProperty("image.tar"));
            docker.ok("tag", System.getProperty("image.name"), hub.host() + "/library/berth:1");
            docker.ok("push", hub.host() + "/library/berth:1");
            docker.ok("rmi", System.getProperty("image.name"), hub.host() + "/library/berth:1");
            hub.journal().clear();

            DockerImageName name = new BerthMirrorSubstitutor(cache.host(), "").apply(DockerImageName.parse("berth:1"));
            assertEquals(cache.host() + "/docker.io/library/berth:1", name.asCanonicalNameString());
            int port = freePort();
            try (GenericContainer<?> berth = new GenericContainer<>(name)
                    .withNetworkMode("host") // the daemon has no bridge
                    .withEnv("BERTH_HOST", "127.0.0.1").withEnv("BERTH_PORT", String.valueOf(port))
                    .withEnv("BERTH_ADMIN_ADDRESS", "127.0.0.1:" + freePort())
                    .waitingFor(Wait.forLogMessage(".*Berth listening on.*", 1).withStartupTimeout(Duration.ofSeconds(60)))) {
                berth.start();
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v2/")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), "the container Testcontainers started serves: " + answer.body());
            }
            assertTrue(cache.journal().entries().stream().anyMatch(e -> e.path().equals("/v2/docker.io/library/berth/manifests/1")),
                    "the daemon asked the cache: " + cache.journal().entries());
            assertTrue(hub.journal().matching(e -> e.isBlobFetch()).size() > 0, "the cache fetched from the upstream");
        } finally {
            deleteTree(daemonDirectory());
        }
    }

    /** The directory of the daemon that DOCKER_HOST names (the build sets it: Testcontainers reads no other setting). */
    private static Path daemonDirectory() throws java.io.IOException {
        String host = System.getenv().getOrDefault("DOCKER_HOST", "");
        if (!host.startsWith("unix://") || !host.endsWith("/d.sock")) {
            throw new AssertionError("run through Maven, which sets DOCKER_HOST=unix://…/tc-dockerd/d.sock; it is " + host);
        }
        return Files.createDirectories(Path.of(host.substring("unix://".length())).getParent());
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
