// SPDX-License-Identifier: Apache-2.0
package com.example.berth.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.junit.EmbeddedRegistry;
import dev.berth.registry.junit.PushedImage;
import dev.berth.registry.junit.TestRegistry;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** docs/testing.md's immutable tags. */
class ImmutableTagsExampleTest {
    // snippet: immutable-tags
    @EmbeddedRegistry(immutableTags = "release/**:v*")           // repository glob : tag glob
    TestRegistry registry;

    @Test
    void aReleaseTagNeverMoves() throws Exception {
        PushedImage first = registry.fixtures().image("release/app:v1", 1024);
        IOException refused = assertThrows(IOException.class,    // 403 DENIED, naming the rule
                () -> registry.fixtures().image("release/app:v1", 1024));
        // in code: Registry.builder().immutableTags(ImmutableTags.matching("release/**", "v*"))
    // snippet: end
        assertTrue(refused.getMessage().contains("is immutable"), refused.getMessage());
        HttpResponse<Void> head = registry.httpClient().send(HttpRequest.newBuilder(
                registry.uri().resolve("/v2/release/app/manifests/v1")).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(first.digest().toString(), head.headers().firstValue("Docker-Content-Digest").orElse(""));
    }
}
