// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.Registry;
import dev.berth.registry.core.Upstream;
import dev.berth.registry.core.UpstreamStats;
import dev.berth.registry.core.testing.Journal;
import dev.berth.registry.spi.NotFoundException;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A pull-through cache in front of another registry in this JVM, whose journal counts what reached it. */
class MirrorTest {
    private TestRegistry upstream;
    private TestRegistry mirror;

    @BeforeEach
    void start() throws Exception {
        upstream = TestRegistry.start(Registry.builder().journal().build());
        mirror = TestRegistry.start(Registry.builder().journal()
                .mirror(Upstream.of("up", upstream.uri()).repositories("team/**", "library/*").asDefault()).build());
    }

    @AfterEach
    void stop() throws Exception {
        mirror.close();
        upstream.close();
    }

    private long upstreamRequests(String route, String method) {
        return upstream.journal().matching(e -> e.route().equals(route) && e.method().equals(method)).size();
    }

    @Test
    @DisplayName("a cold pull fetches the manifest and each blob once, byte for byte; a second pull asks the upstream nothing")
    void coldThenWarm() throws Exception {
        PushedImage image = upstream.fixtures().image("team/app:v1", 3000, 70_000);
        upstream.journal().clear();
        for (int pull = 1; pull <= 2; pull++) {
            HttpResponse<byte[]> manifest = Requests.send(mirror, "GET", "/v2/up/team/app/manifests/v1", null);
            assertEquals(200, manifest.statusCode(), Requests.text(manifest));
            assertArrayEquals(image.manifest(), manifest.body(), "the manifest is served as the upstream has it");
            assertEquals(image.digest().toString(), manifest.headers().firstValue("Docker-Content-Digest").orElseThrow());
            for (Digest blob : List.of(image.config(), image.layers().get(0), image.layers().get(1))) {
                HttpResponse<byte[]> got = Requests.send(mirror, "GET", "/v2/up/team/app/blobs/" + blob, null);
                assertEquals(200, got.statusCode());
                assertEquals(blob, Digest.sha256(got.body()), "pull " + pull + ": " + blob);
            }
        }
        assertEquals(1, upstreamRequests("end-3", "GET"), "one manifest GET upstream");
        assertEquals(0, upstreamRequests("end-3", "HEAD"), "within the freshness interval nothing is re-checked");
        assertEquals(3, upstreamRequests("end-2", "GET"), "one GET per blob");
        UpstreamStats stats = mirror.registry().upstreamStats().get(0);
        assertEquals(1, stats.manifestGets());
        assertEquals(3, stats.blobGets());
        assertEquals(4, stats.hits(), "the second pull: a manifest and three blobs from the cache");
        assertTrue(mirror.registry().storage().manifests().get(Repository.parse("up/team/app"), image.digest())
                .content().length > 0, "cached under the upstream's name");
    }

    @Test
    @DisplayName("a hit is counted by the time its answer has arrived (300 manifest and blob hits)")
    void hitsCountedBeforeTheAnswerEnds() throws Exception {
        PushedImage image = upstream.fixtures().image("team/app:v1", 100);
        assertEquals(200, Requests.send(mirror, "GET", "/v2/up/team/app/manifests/v1", null).statusCode());
        assertEquals(200, Requests.send(mirror, "GET", "/v2/up/team/app/blobs/" + image.layers().get(0), null).statusCode());
        awaitStored(mirror, Repository.parse("up/team/app"), image.layers().get(0));
        long before = mirror.registry().upstreamStats().get(0).hits();
        for (int i = 1; i <= 300; i++) {
            String path = i % 2 == 0 ? "manifests/" + image.digest() : "blobs/" + image.layers().get(0);
            assertEquals(200, Requests.send(mirror, "GET", "/v2/up/team/app/" + path, null).statusCode());
            assertEquals(before + i, mirror.registry().upstreamStats().get(0).hits(), "after hit " + i + " (" + path + ")");
        }
    }

    @Test
    @DisplayName("a digest held locally never goes upstream; a stale tag is re-checked with a HEAD only")
    void freshness() throws Exception {
        try (TestRegistry quick = TestRegistry.start(Registry.builder()
                .mirror(Upstream.of("up", upstream.uri()).freshFor(java.time.Duration.ofMillis(1))).build())) {
            PushedImage image = upstream.fixtures().image("team/app:v1", 100);
            assertEquals(200, Requests.send(quick, "GET", "/v2/up/team/app/manifests/v1", null).statusCode());
            upstream.journal().clear();
            assertEquals(200, Requests.send(quick, "GET", "/v2/up/team/app/manifests/" + image.digest(), null)
                    .statusCode());
            assertEquals(0, upstream.journal().entries().size(), "by digest: " + upstream.journal().entries());
            Thread.sleep(5); // past the 1 ms freshness interval
            assertEquals(200, Requests.send(quick, "GET", "/v2/up/team/app/manifests/v1", null).statusCode());
            assertEquals(1, upstreamRequests("end-3", "HEAD"));
            assertEquals(0, upstreamRequests("end-3", "GET"), "the digest did not change: nothing fetched");

            PushedImage next = upstream.fixtures().image("team/app:v1", 200); // the tag moves upstream
            Thread.sleep(5);
            HttpResponse<byte[]> moved = Requests.send(quick, "GET", "/v2/up/team/app/manifests/v1", null);
            assertArrayEquals(next.manifest(), moved.body(), "a moved tag is fetched again");
        }
    }

    /** The blob as {@code registry}'s storage holds it, once the download that caches it (after the client got it) is stored. */
    static byte[] awaitStored(TestRegistry registry, Repository repo, Digest digest) throws Exception {
        for (int i = 0; i < 500; i++) { // the storage commits after the client got the bytes
            try (java.io.InputStream in = registry.registry().storage().blobs().get(repo, digest)) {
                return in.readAllBytes();
            } catch (NotFoundException e) {
                Thread.sleep(10);
            }
        }
        throw new AssertionError(digest + " was not stored in " + repo + " within 5 s");
    }

    @Test
    @DisplayName("a one-platform pull of an index stores that platform's manifest and blobs only")
    void onePlatformOfAnIndex() throws Exception {
        PushedIndex index = upstream.fixtures().index("team/multi:v1", 5000, "linux/amd64", "linux/arm64");
        HttpResponse<byte[]> got = Requests.send(mirror, "GET", "/v2/up/team/multi/manifests/v1", null);
        assertArrayEquals(index.manifest(), got.body());
        PushedImage amd64 = index.images().get(0);
        assertEquals(200, Requests.send(mirror, "GET", "/v2/up/team/multi/manifests/" + amd64.digest(), null)
                .statusCode());
        for (Digest blob : List.of(amd64.config(), amd64.layers().get(0))) {
            assertEquals(200, Requests.send(mirror, "GET", "/v2/up/team/multi/blobs/" + blob, null).statusCode());
        }
        Repository cached = Repository.parse("up/team/multi");
        PushedImage arm64 = index.images().get(1);
        assertThrows(NotFoundException.class, () -> mirror.registry().storage().manifests().get(cached, arm64.digest()));
        assertThrows(NotFoundException.class, () -> mirror.registry().storage().blobs().get(cached, arm64.layers().get(0)));
        assertArrayEquals(awaitStored(mirror, cached, amd64.layers().get(0)), Requests.send(mirror, "GET",
                "/v2/up/team/multi/blobs/" + amd64.layers().get(0), null).body(), "the pulled platform's layer is cached");
    }

    @Test
    @DisplayName("containerd's ?ns= and a plain name reach the same cached repository; pushed names come first")
    void namespaceAndDefault() throws Exception {
        PushedImage image = upstream.fixtures().image("library/alpine:3", 100);
        HttpResponse<byte[]> byNs = Requests.send(mirror, "GET", "/v2/library/alpine/manifests/3?ns=up", null);
        assertArrayEquals(image.manifest(), byNs.body());
        upstream.journal().clear();
        HttpResponse<byte[]> plain = Requests.send(mirror, "GET", "/v2/library/alpine/manifests/3", null);
        assertArrayEquals(image.manifest(), plain.body(), "the default upstream serves plain names");
        assertEquals(0, upstream.journal().entries().size(), "the same cache entry: " + upstream.journal().entries());
        List<Journal.Entry> seen = mirror.journal().matching(e -> e.route().equals("end-3"));
        assertEquals(Repository.parse("up/library/alpine").name(), seen.get(0).repository().orElseThrow(),
                "?ns= requests are journaled, logged and authorized under the cached name");

        PushedImage pushed = mirror.fixtures().image("library/alpine:3", 50); // a pushed repository of that name
        assertArrayEquals(pushed.manifest(), Requests.send(mirror, "GET", "/v2/library/alpine/manifests/3", null).body());
        assertEquals(404, Requests.send(mirror, "GET", "/v2/other/thing/manifests/3", null).statusCode(),
                "outside the allow-list a plain name is only local");
    }

    @Test
    @DisplayName("pushes into a cached namespace are refused with DENIED; names outside the allow-list with NAME_UNKNOWN")
    void cachedNamespacesTakeNoPushes() throws Exception {
        HttpResponse<byte[]> push = Requests.send(mirror, "POST", "/v2/up/team/app/blobs/uploads/", null);
        assertEquals(403, push.statusCode());
        assertTrue(Requests.text(push).contains("\"DENIED\"") && Requests.text(push).contains("takes no pushes"),
                Requests.text(push));
        HttpResponse<byte[]> put = Requests.send(mirror, "PUT", "/v2/library/x/manifests/v1?ns=up", new byte[] {'{', '}'},
                "Content-Type", "application/vnd.oci.image.manifest.v1+json");
        assertEquals(403, put.statusCode(), Requests.text(put));
        HttpResponse<byte[]> outside = Requests.send(mirror, "GET", "/v2/up/private/app/manifests/v1", null);
        assertEquals(404, outside.statusCode());
        assertTrue(Requests.text(outside).contains("NAME_UNKNOWN") && Requests.text(outside).contains("not mirrored"),
                Requests.text(outside));
        assertEquals(0, upstream.journal().entries().size(), "refused without asking the upstream");
    }

    @Test
    @DisplayName("referrers are the upstream's list, and each referrer is then pulled through the cache")
    void referrersThroughTheCache() throws Exception {
        PushedImage image = upstream.fixtures().image("team/app:v1", 100);
        PushedImage signature = upstream.fixtures().artifact("team/app", image.digest(), "application/example.sig",
                "signed".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpResponse<byte[]> list = Requests.send(mirror, "GET", "/v2/up/team/app/referrers/" + image.digest(), null);
        assertEquals(200, list.statusCode());
        assertTrue(Requests.text(list).contains(signature.digest().toString()), Requests.text(list));
        HttpResponse<byte[]> got = Requests.send(mirror, "GET", "/v2/up/team/app/manifests/" + signature.digest(), null);
        assertArrayEquals(signature.manifest(), got.body());
        assertEquals(1, upstreamRequests("end-12", "GET"));
    }

    @Test
    @DisplayName("a mirror removes the spool directories of mirrors no longer running, and nothing else in the temp directory")
    void leftoverSpoolsOnly() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        java.nio.file.Path temp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
        java.nio.file.Path leftover = java.nio.file.Files.createDirectories(
                temp.resolve("berth-mirror-spool-" + gone.pid() + "-1"));
        java.nio.file.Files.writeString(leftover.resolve("partial"), "x");
        java.nio.file.Path unrelated = java.nio.file.Files.createTempDirectory("berth-mirror-bench");
        try {
            Registry.builder().mirror(Upstream.of("up", upstream.uri())).build();
            assertTrue(java.nio.file.Files.notExists(leftover), "a dead mirror's spool is removed");
            assertTrue(java.nio.file.Files.isDirectory(unrelated), "a directory that is no spool stays");
        } finally {
            java.nio.file.Files.deleteIfExists(unrelated);
        }
    }

    @Test
    @DisplayName("what the upstream does not have is MANIFEST_UNKNOWN / BLOB_UNKNOWN, and nothing is cached")
    void unknownUpstream() throws Exception {
        HttpResponse<byte[]> manifest = Requests.send(mirror, "GET", "/v2/up/team/none/manifests/v1", null);
        assertEquals(404, manifest.statusCode());
        assertTrue(Requests.text(manifest).contains("MANIFEST_UNKNOWN"), Requests.text(manifest));
        Digest missing = Digest.sha256(new byte[] {1, 2, 3});
        HttpResponse<byte[]> blob = Requests.send(mirror, "GET", "/v2/up/team/none/blobs/" + missing, null);
        assertEquals(404, blob.statusCode());
        assertTrue(Requests.text(blob).contains("BLOB_UNKNOWN"), Requests.text(blob));
        assertTrue(mirror.registry().storage().manifests().repositories(java.util.Optional.empty(), 10).items().isEmpty());
    }

    @Test
    @DisplayName("the upstream's 404 for a blob reaches every client as BLOB_UNKNOWN, never as the end of the download (200 times)")
    void unknownBlobIsAlwaysUnknown() throws Exception {
        for (int i = 0; i < 200; i++) {
            Digest missing = Digest.sha256(new byte[] {(byte) i, 7});
            HttpResponse<byte[]> blob = Requests.send(mirror, "GET", "/v2/up/team/none/blobs/" + missing, null);
            assertEquals(404, blob.statusCode(), "request " + i + ": " + Requests.text(blob));
        }
    }
}
