// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docker push through the packaged server's policy file: the user reads the refusals. */
class DockerPolicyIT {
    @TempDir
    Path dir;

    @Test
    void dockerShowsImmutableTagAndQuotaRefusals() throws Exception {
        Skopeo.requireInstalled();
        OciLayouts layout = new OciLayouts(dir.resolve("layout"));
        layout.tag(layout.image("amd64", 1, 20_000, 11), OciLayouts.MANIFEST, "one");
        layout.tag(layout.image("amd64", 1, 20_000, 12), OciLayouts.MANIFEST, "two");
        layout.tag(layout.image("amd64", 2, 300_000, 13), OciLayouts.MANIFEST, "big");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                immutable-tags:
                  - name: releases
                    repositories: ["prod/**"]
                    tags: ["v*"]
                quotas:
                  - name: small
                    repositories: ["limited/*"]
                    max-bytes: 100KiB
                """);
        Skopeo skopeo = new Skopeo(Files.createDirectories(dir.resolve("skopeo")));
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                "--policy", policy.toString());
             Dockerd docker = Dockerd.start(Files.createDirectories(dir.resolve("docker")))) {
            String host = server.uri().getHost() + ":" + server.uri().getPort(); // loopback: docker speaks plain HTTP
            for (String[] image : List.of(new String[] {"one", "prod/app:v1"}, new String[] {"big", "limited/app:v1"})) {
                Path archive = dir.resolve(image[0] + ".tar");
                skopeo.run("copy", "oci:" + layout.root() + ":" + image[0], "docker-archive:" + archive + ":" + host + "/"
                        + image[1]);
                docker.ok("load", "-i", archive.toString());
            }
            docker.ok("push", host + "/prod/app:v1");
            Path two = dir.resolve("two.tar");
            skopeo.run("copy", "oci:" + layout.root() + ":two", "docker-archive:" + two + ":" + host + "/prod/app:v1");
            docker.ok("load", "-i", two.toString()); // the name now names another image
            Dockerd.Result moved = docker.run("push", host + "/prod/app:v1");
            assertTrue(moved.exit() != 0 && moved.output().contains("denied: tag v1 of prod/app is immutable (rule"
                    + " \"releases\")"), "docker shows the immutable-tag refusal: " + moved.output());
            Dockerd.Result full = docker.run("push", host + "/limited/app:v1");
            assertTrue(full.exit() != 0 && full.output().contains("denied: quota \"small\" of limited/app would be exceeded"),
                    "docker shows the quota refusal: " + full.output());
        }
    }
}
