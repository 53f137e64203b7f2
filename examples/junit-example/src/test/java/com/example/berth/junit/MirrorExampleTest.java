// SPDX-License-Identifier: Apache-2.0
package com.example.berth.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.core.Registry;
import dev.berth.registry.core.Upstream;
import dev.berth.registry.junit.PushedImage;
import dev.berth.registry.junit.TestRegistry;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** docs/testing.md's pull-through cache. */
class MirrorExampleTest {
    @Test
    void aClientBehindACache() throws Exception {
        // snippet: mirror
        try (TestRegistry upstream = TestRegistry.start(Registry.builder().journal().build());
             TestRegistry cache = TestRegistry.start(Registry.builder()
                     .mirror(Upstream.of("docker.io", upstream.uri()).asDefault()).build())) {
            PushedImage image = upstream.fixtures().image("library/app:v1", 1024);
            // the client under test pulls library/app:v1 (or docker.io/library/app:v1) from cache.host()
            // snippet: end
            for (int pull = 0; pull < 2; pull++) {
                for (String path : new String[] {"/v2/library/app/manifests/v1", "/v2/docker.io/library/app/blobs/"
                        + image.layers().get(0)}) {
                    HttpResponse<byte[]> got = cache.httpClient().send(HttpRequest.newBuilder(cache.uri().resolve(path))
                            .build(), HttpResponse.BodyHandlers.ofByteArray());
                    assertEquals(200, got.statusCode(), path);
                }
            }
            assertEquals(1, upstream.journal().blobFetches("library/app", image.layers().get(0).toString()),
                    "the second pull came from the cache");
        }
    }
}
