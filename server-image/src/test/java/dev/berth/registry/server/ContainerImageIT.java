// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image the build wrote (target/berth-image.tar), loaded into a real dockerd and run: it turns
 * healthy through its own health check, takes a docker push, serves a docker pull, and keeps
 * what it stored in its data volume across a new container.
 */
class ContainerImageIT {
    private static final String IMAGE = System.getProperty("image.name");

    @TempDir
    Path dir;

    @Test
    void runsHealthyAndKeepsPushesInItsVolume() throws Exception {
        try (Dockerd docker = Dockerd.start(Files.createDirectories(dir.resolve("dockerd")))) {
            docker.ok("load", "-i", System.getProperty("image.tar"));
            String config = docker.ok("image", "inspect", "--format",
                    "{{json .Config.Healthcheck}} {{.Config.User}} {{json .Config.Volumes}} {{json .Config.Entrypoint}}", IMAGE);
            assertTrue(config.contains("dev.berth.registry.image.HealthProbe"), "a health check: " + config);
            assertTrue(config.contains("65532:65532") && config.contains("/var/lib/berth"), "not root, data in a volume: " + config);
            for (String flag : readmeJvmFlags()) {
                assertTrue(config.contains("\"" + flag + "\""), "README's " + flag + " in " + config);
            }

            int port = freePort();
            String started = start(docker, port);
            awaitHealthy(docker, started);
            // the image pushes itself: dockerd's chunked uploads of ~90 MB, then a pull of what was stored
            String reference = "127.0.0.1:" + port + "/berth/self:1"; // dockerd uses plain HTTP on loopback
            String imageId = docker.ok("image", "inspect", "--format", "{{.Id}}", IMAGE).trim();
            docker.ok("tag", IMAGE, reference);
            docker.ok("push", reference);
            docker.ok("rmi", reference);
            docker.ok("pull", reference);
            assertEquals(imageId, docker.ok("image", "inspect", "--format", "{{.Id}}", reference).trim());
            String digest = docker.ok("image", "inspect", "--format", "{{index .RepoDigests 0}}", reference).trim();

            docker.ok("rm", "-f", started);
            String again = start(docker, port);
            awaitHealthy(docker, again);
            HttpResponse<String> manifest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/v2/berth/self/manifests/1")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, manifest.statusCode(), "a new container on the same volume serves the push: " + manifest.body());
            assertEquals(digest.substring(digest.indexOf('@') + 1), manifest.headers().firstValue("Docker-Content-Digest").orElseThrow());
            docker.ok("rm", "-f", again);
        }
    }

    /** A container of the image on the host's network (the daemon has no bridge), data in the volume berth-data. */
    private static String start(Dockerd docker, int port) throws IOException, InterruptedException {
        String out = docker.ok("run", "-d", "--network", "host", "--health-interval", "1s",
                "-e", "BERTH_HOST=127.0.0.1", "-e", "BERTH_PORT=" + port, "-e", "BERTH_ADMIN_ADDRESS=127.0.0.1:" + freePort(),
                "-v", "berth-data:/var/lib/berth", IMAGE).trim();
        return out.substring(out.lastIndexOf('\n') + 1);
    }

    private static void awaitHealthy(Dockerd docker, String container) throws IOException, InterruptedException {
        String status = "";
        for (int i = 0; i < 120 && !status.equals("healthy"); i++) { // at most 60 s
            Thread.sleep(500);
            status = docker.ok("inspect", "--format", "{{.State.Health.Status}}", container).trim();
        }
        assertEquals("healthy", status, "the image's health check: "
                + docker.run("inspect", "--format", "{{json .State.Health}}", container).output()
                + "\nlogs:\n" + docker.run("logs", container).output());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The flags of README.md's run command, between {@code && java} and {@code -jar}. */
    private static List<String> readmeJvmFlags() throws IOException {
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            int java = line.indexOf("&& java ");
            int jar = line.indexOf(" -jar server-app/target/berth.jar");
            if (java >= 0 && jar > java) {
                return List.of(line.substring(java + "&& java ".length(), jar).trim().split("\\s+"));
            }
        }
        throw new AssertionError("README.md has no `java … -jar server-app/target/berth.jar` command");
    }
}
