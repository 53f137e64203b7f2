// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Where a mirror may send its upstream credentials, and how it reads a challenge. */
class UpstreamAuthTest {
    record Realm(String upstream, String realm, boolean trusted) {
    }

    static Stream<Realm> realms() {
        return Stream.of(
                new Realm("https://registry-1.docker.io", "https://auth.docker.io/token", true),
                new Realm("https://ghcr.io", "https://ghcr.io/token", true),
                new Realm("https://quay.io", "https://quay.io/v2/auth", true),
                new Realm("http://127.0.0.1:5000", "http://127.0.0.1:5000/token", true),
                new Realm("https://registry-1.docker.io", "http://auth.docker.io/token", false), // no downgrade
                new Realm("https://registry-1.docker.io", "https://auth.docker.io.evil.example/token", false),
                new Realm("https://registry-1.docker.io", "https://evil.example/token", false),
                new Realm("https://registry.example.com", "https://other.com/token", false), // the parent is a suffix
                new Realm("https://foo.com", "https://auth.com/token", false), // one label left: no parent domain
                new Realm("http://127.0.0.1:5000", "http://127.0.0.1:6000/token", false), // another port
                new Realm("http://127.0.0.1:5000", "http://127.0.0.2:5000/token", false),
                new Realm("https://10.0.0.1", "https://0.0.1/token", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("realms")
    void credentialsGoOnlyToTheUpstreamsOwnDomain(Realm row) {
        UpstreamAuth auth = new UpstreamAuth(Upstream.of("up", URI.create(row.upstream())), new UpstreamCounts());
        assertEquals(row.trusted(), auth.trusted(URI.create(row.realm())), row.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("challenges")
    void challenges(String header, Optional<UpstreamAuth.Challenge> parsed) {
        assertEquals(parsed, UpstreamAuth.Challenge.parse(header));
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> challenges() {
        return Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(
                        "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                                + "scope=\"repository:library/alpine:pull\"",
                        Optional.of(new UpstreamAuth.Challenge("bearer", Map.of("realm", "https://auth.docker.io/token",
                                "service", "registry.docker.io", "scope", "repository:library/alpine:pull")))),
                org.junit.jupiter.params.provider.Arguments.of("Basic realm=\"Registry Realm\"",
                        Optional.of(new UpstreamAuth.Challenge("basic", Map.of("realm", "Registry Realm")))),
                org.junit.jupiter.params.provider.Arguments.of("Bearer service=\"x\"", Optional.empty()),
                org.junit.jupiter.params.provider.Arguments.of("Negotiate abc", Optional.empty()));
    }
}
