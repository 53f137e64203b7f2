// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.core.Upstream;
import dev.berth.registry.core.UpstreamCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --mirrors file and the one-flag form, with each credential source read as docker's tools write it. */
class MirrorFileTest {
    @TempDir
    Path dir;

    @Test
    void everyKeyAndTheDefaults() throws Exception {
        Path file = Files.writeString(dir.resolve("m.yaml"), """
                upstreams:
                  - name: docker.io
                    url: https://registry-1.docker.io
                    default: true
                    repositories: library/*
                    fresh-for: 90s
                    expire-after: 3d
                    max-concurrent: 4
                    max-requests-per-second: 2.5
                    timeout: 10s
                  - name: ghcr.io
                    url: https://ghcr.io
                    library: false
                """);
        List<Upstream> upstreams = MirrorFile.load(file);
        Upstream hub = upstreams.get(0);
        assertTrue(hub.isDefault() && hub.library());
        assertEquals(List.of("library/*"), hub.repositories());
        assertEquals(Duration.ofSeconds(90), hub.freshFor());
        assertEquals(Duration.ofDays(3), hub.expireAfter());
        assertEquals(4, hub.maxConcurrent());
        assertEquals(2.5, hub.maxRequestsPerSecond());
        assertEquals(Duration.ofSeconds(10), hub.timeout());
        Upstream ghcr = upstreams.get(1);
        assertTrue(!ghcr.isDefault() && !ghcr.library() && ghcr.credentials().isEmpty());
        assertEquals(List.of("**"), ghcr.tags());
        assertEquals(Duration.ofDays(7), ghcr.expireAfter());
    }

    @Test
    void errorsNameTheFileAndTheEntry() throws Exception {
        Path unknown = Files.writeString(dir.resolve("u.yaml"), "upstreams:\n  - name: a\n    url: http://x\n    fresh: 1m\n");
        String message = assertThrows(IllegalArgumentException.class, () -> MirrorFile.load(unknown)).getMessage();
        assertTrue(message.contains("unknown key 'fresh' at upstreams[0].fresh"), message);
        Path bad = Files.writeString(dir.resolve("b.yaml"), "upstreams:\n  - name: Bad Name\n    url: http://x\n");
        message = assertThrows(IllegalArgumentException.class, () -> MirrorFile.load(bad)).getMessage();
        assertTrue(message.startsWith(bad + ": upstreams[0]: upstream name must be one repository name component"), message);
        Path twoSources = Files.writeString(dir.resolve("c.yaml"), "upstreams:\n  - name: a\n    url: http://x\n"
                + "    credentials: {username: me, password-file: /p, password-env: P}\n");
        message = assertThrows(IllegalArgumentException.class, () -> MirrorFile.load(twoSources)).getMessage();
        assertTrue(message.contains("credentials take username with password-file or password-env"), message);
    }

    @Test
    void oneFlagNamesTheUpstreamByItsHost() {
        assertEquals("docker.io", MirrorFile.fromFlag("https://registry-1.docker.io").name());
        assertEquals("quay.io", MirrorFile.fromFlag("https://quay.io").name());
        assertEquals("hub", MirrorFile.fromFlag("hub=https://registry-1.docker.io").name());
        assertTrue(MirrorFile.fromFlag("hub=https://registry-1.docker.io").library() == false);
    }

    @Test
    void passwordFileDockerConfigAndHelper() throws Exception {
        Files.writeString(dir.resolve("secret"), "s3cret\n");
        Path file = Files.writeString(dir.resolve("m.yaml"), """
                upstreams:
                  - name: a
                    url: https://a.example
                    credentials: {username: me, password-file: %s}
                """.formatted(dir.resolve("secret")));
        assertEquals(new UpstreamCredentials.Login("me", "s3cret"), MirrorFile.load(file).get(0).credentials().orElseThrow()
                .login(), "the file's content, without its newline");

        Path helper = Files.writeString(dir.resolve("docker-credential-test"), """
                #!/bin/sh
                read server
                printf '{"ServerURL":"%s","Username":"helped","Secret":"for-%s"}' "$server" "$server"
                """);
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        String auth = Base64.getEncoder().encodeToString("user:pw".getBytes(StandardCharsets.UTF_8));
        Path config = Files.writeString(dir.resolve("config.json"), """
                {"auths": {"https://index.docker.io/v1/": {"auth": "%s"}, "ghcr.io": {"auth": "%s"}},
                 "credHelpers": {"quay.io": "%s"}}
                """.formatted(auth, auth, helper));
        assertEquals(new UpstreamCredentials.Login("user", "pw"),
                Credentials.fromDockerConfig(config, "registry-1.docker.io").orElseThrow(), "Docker Hub's auths key");
        assertEquals(new UpstreamCredentials.Login("user", "pw"), Credentials.fromDockerConfig(config, "ghcr.io").orElseThrow());
        assertEquals(new UpstreamCredentials.Login("helped", "for-quay.io"),
                Credentials.fromDockerConfig(config, "quay.io").orElseThrow(), "credHelpers runs the helper");
        assertTrue(Credentials.fromDockerConfig(config, "other.example").isEmpty());
        assertEquals(new UpstreamCredentials.Login("helped", "for-x.example"),
                Credentials.helper(helper.toString(), "x.example"));
    }
}
