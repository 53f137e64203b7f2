// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.ImageNameSubstitutor;

/** Names in, names out; dockerd pulling them through a real cache is DockerSubstitutionIT in server-app. */
class BerthMirrorSubstitutorTest {
    private static final String DIGEST = "sha256:" + "b".repeat(64);

    private static String substituted(BerthMirrorSubstitutor substitutor, String image) {
        return substitutor.apply(DockerImageName.parse(image)).asCanonicalNameString();
    }

    @Test
    @DisplayName("Docker Hub's names, short and long, go to the cache's docker.io prefix with library/ where Hub implies it")
    void dockerHub() {
        BerthMirrorSubstitutor berth = new BerthMirrorSubstitutor("127.0.0.1:5000", "quay.io, GHCR.io");
        assertEquals("127.0.0.1:5000/docker.io/library/redis:7", substituted(berth, "redis:7"));
        assertEquals("127.0.0.1:5000/docker.io/library/redis:7", substituted(berth, "docker.io/library/redis:7"));
        assertEquals("127.0.0.1:5000/docker.io/library/redis:7", substituted(berth, "index.docker.io/redis:7"));
        assertEquals("127.0.0.1:5000/docker.io/testcontainers/ryuk:0.11.0", substituted(berth, "testcontainers/ryuk:0.11.0"));
        assertEquals("127.0.0.1:5000/docker.io/bitnami/kafka:3", substituted(berth, "registry-1.docker.io/bitnami/kafka:3"));
        assertEquals("127.0.0.1:5000/docker.io/library/postgres@" + DIGEST, substituted(berth, "postgres@" + DIGEST));
        assertEquals("127.0.0.1:5000/docker.io/library/alpine:latest", substituted(berth, "alpine"));
    }

    @Test
    @DisplayName("other upstreams the cache names go to their prefix; anything else, and everything without a mirror, is left alone")
    void otherRegistries() {
        BerthMirrorSubstitutor berth = new BerthMirrorSubstitutor("127.0.0.1:5000", "quay.io, GHCR.io");
        assertEquals("127.0.0.1:5000/quay.io/org/app:1", substituted(berth, "quay.io/org/app:1"));
        assertEquals("127.0.0.1:5000/ghcr.io/org/tool:2", substituted(berth, "ghcr.io/org/tool:2"));
        assertEquals("registry.example.com/org/app:1", substituted(berth, "registry.example.com/org/app:1"));
        assertEquals("127.0.0.1:5000/own/app:1", substituted(berth, "127.0.0.1:5000/own/app:1"));
        assertEquals("redis:7", substituted(new BerthMirrorSubstitutor("", ""), "redis:7"));
        assertThrows(IllegalArgumentException.class, () -> new BerthMirrorSubstitutor("not a host", ""));
    }

    @Test
    @DisplayName("substituted names stay compatible with what a Testcontainers module asked for")
    void compatible() {
        DockerImageName asked = DockerImageName.parse("postgres:16");
        new BerthMirrorSubstitutor("127.0.0.1:5000", "").apply(asked).assertCompatibleWith(asked);
    }

    @Test
    @DisplayName("Testcontainers itself loads it from testcontainers.properties on the class path")
    void loadedByTestcontainers() {
        assertEquals("cache.test:5000/docker.io/library/redis:7",
                ImageNameSubstitutor.instance().apply(DockerImageName.parse("redis:7")).asCanonicalNameString());
        assertEquals("cache.test:5000/quay.io/org/app:1",
                ImageNameSubstitutor.instance().apply(DockerImageName.parse("quay.io/org/app:1")).asCanonicalNameString());
    }
}
