// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server as a pull-through cache of Debian's docker-registry (CNCF distribution)
 * behind htpasswd, pulled through by skopeo and by dockerd's registry-mirrors.
 */
class MirrorIT {
    @TempDir
    Path dir;

    @Test
    void skopeoAndDockerdPullThroughTheCacheOfAnAuthenticatedDistribution() throws Exception {
        Skopeo.requireInstalled();
        OciLayouts layout = new OciLayouts(dir.resolve("layout"));
        layout.tag(layout.image("amd64", 2, 40_000, 21), OciLayouts.MANIFEST, "app");
        Skopeo skopeo = new Skopeo(Files.createDirectories(dir.resolve("skopeo")));
        Files.writeString(dir.resolve("secret"), "s3cret\n");
        try (Distribution upstream = Distribution.start(Files.createDirectories(dir.resolve("distribution")), "mirror",
                "s3cret")) {
            String up = "127.0.0.1:" + upstream.port();
            for (String name : List.of("team/app:v1", "library/app:v1")) {
                skopeo.run("copy", "--format", "v2s2", "--dest-tls-verify=false", "--dest-creds", "mirror:s3cret",
                        "oci:" + layout.root() + ":app", "docker://" + up + "/" + name); // Docker's format, never converted
            }
            String upstreamDigest = skopeo.run("inspect", "--tls-verify=false", "--creds", "mirror:s3cret",
                    "--format", "{{.Digest}}", "docker://" + up + "/team/app:v1").strip();
            Path mirrors = Files.writeString(dir.resolve("mirrors.yaml"), """
                    upstreams:
                      - name: dist
                        url: http://%s
                        default: true
                        credentials:
                          username: mirror
                          password-file: %s
                    """.formatted(up, dir.resolve("secret")));
            try (ServerProcess berth = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                    "--mirrors", mirrors.toString(), "--admin-address", "127.0.0.1:0")) {
                String host = berth.uri().getHost() + ":" + berth.uri().getPort();
                assertTrue(berth.output().contains("Berth mirrors http://" + up + " under dist/"), berth.output());
                String viaMirror = skopeo.run("inspect", "--tls-verify=false", "--format", "{{.Digest}}",
                        "docker://" + host + "/dist/team/app:v1").strip();
                assertEquals(upstreamDigest, viaMirror, "the manifest is the upstream's, byte for byte");
                String pinned = skopeo.run("inspect", "--tls-verify=false", "--format", "{{.Digest}}",
                        "docker://" + host + "/dist/team/app@" + upstreamDigest).strip();
                assertEquals(upstreamDigest, pinned, "a pull by the upstream's digest works through the cache");
                skopeo.run("copy", "--src-tls-verify=false", "docker://" + host + "/dist/team/app:v1",
                        "oci:" + dir.resolve("pulled") + ":app");
                assertTrue(berth.output().isEmpty() || !berth.output().contains("ERROR"), berth.output());
                // a registries.conf mirror entry, as podman and buildah users write it: the registry
                // it stands in for (dist.invalid) resolves nowhere, so the pull can only come through Berth
                Path conf = Files.writeString(dir.resolve("registries.conf"), """
                        [[registry]]
                        location = "dist.invalid"
                        [[registry.mirror]]
                        location = "%s/dist"
                        insecure = true
                        """.formatted(host));
                new Podman(Files.createDirectories(dir.resolve("podman"))).registriesConf(conf)
                        .run("pull", "dist.invalid/team/app:v1");
                String mirrored = new Podman(dir.resolve("podman")).run("image", "inspect", "--format", "{{.Digest}}",
                        "dist.invalid/team/app:v1").strip();
                assertEquals(upstreamDigest, mirrored, "through the registries.conf mirror entry");

                try (Dockerd docker = Dockerd.start(Files.createDirectories(dir.resolve("docker")),
                        "--registry-mirror", "http://" + host)) {
                    // a Docker Hub name: dockerd asks its mirror first, and nothing else is reachable here
                    docker.ok("pull", "app:v1");
                    String id = docker.ok("image", "inspect", "--format", "{{.Id}}", "app:v1").strip();
                    assertTrue(id.startsWith("sha256:"), id);
                }
                String metrics = OperationsIT.scrape(GcIT.adminUri(berth));
                String gets = "berth_mirror_upstream_requests_total{kind=\"manifest-get\",upstream=\"dist\"}";
                assertTrue(OperationsIT.sample(metrics, gets) >= 2, metrics.lines().filter(l -> l.contains("mirror"))
                        .toList().toString());
            }
        }
    }

    @Test
    void tokenFlowOfABerthUpstreamLogsInOncePerScope() throws Exception {
        Skopeo.requireInstalled();
        OciLayouts layout = new OciLayouts(dir.resolve("layout"));
        layout.tag(layout.image("amd64", 3, 30_000, 31), OciLayouts.MANIFEST, "app");
        Skopeo skopeo = new Skopeo(Files.createDirectories(dir.resolve("skopeo")));
        Process hash = new ProcessBuilder("htpasswd", "-Bbn", "mirror", "s3cret").start();
        Path users = Files.writeString(dir.resolve("htpasswd"), new String(hash.getInputStream().readAllBytes()));
        assertEquals(0, hash.waitFor());
        Files.writeString(dir.resolve("secret"), "s3cret");
        try (ServerProcess upstream = ServerProcess.start(List.of(), "--data-dir", dir.resolve("up").toString(),
                "--auth", "token", "--htpasswd", users.toString())) {
            String up = upstream.uri().getHost() + ":" + upstream.uri().getPort();
            skopeo.run("copy", "--dest-tls-verify=false", "--dest-creds", "mirror:s3cret", "oci:" + layout.root() + ":app",
                    "docker://" + up + "/team/app:v1");
            Path mirrors = Files.writeString(dir.resolve("mirrors.yaml"), """
                    upstreams:
                      - name: berth
                        url: http://%s
                        credentials: {username: mirror, password-file: %s}
                    """.formatted(up, dir.resolve("secret")));
            try (ServerProcess mirror = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                    "--mirrors", mirrors.toString(), "--admin-address", "127.0.0.1:0")) {
                String host = mirror.uri().getHost() + ":" + mirror.uri().getPort();
                skopeo.run("copy", "--src-tls-verify=false", "docker://" + host + "/berth/team/app:v1",
                        "oci:" + dir.resolve("pulled") + ":app");
                String metrics = OperationsIT.scrape(GcIT.adminUri(mirror));
                assertEquals(1, OperationsIT.sample(metrics,
                        "berth_mirror_upstream_requests_total{kind=\"token\",upstream=\"berth\"}"),
                        "one token for the manifest and its four blobs");
                assertEquals(4, OperationsIT.sample(metrics,
                        "berth_mirror_upstream_requests_total{kind=\"blob-get\",upstream=\"berth\"}"));
            }
        }
    }
}
