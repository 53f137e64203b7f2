// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static dev.berth.registry.tck.HttpTester.assertBody;
import static dev.berth.registry.tck.HttpTester.expect;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.berth.registry.api.Digest;
import java.net.http.HttpResponse;
import java.util.List;

/** An image pushed (blobs only, or with its manifest) and what the invariant checks. */
final class GcImage {
    private static final String OCI = dev.berth.registry.api.MediaType.OCI_MANIFEST.value();
    private final HttpTester http;
    final String repo;
    final byte[] config;
    final byte[] layer;
    final byte[] manifest;

    GcImage(HttpTester http, String repo, long seed) {
        this.http = http;
        this.repo = repo;
        this.config = ("{\"seed\":" + seed + "}").getBytes();
        this.layer = Content.random(seed, 4096);
        this.manifest = Content.imageManifest(Digest.sha256(config), config.length,
                List.of(Digest.sha256(layer)), List.of((long) layer.length));
    }

    GcImage pushBlobs() {
        http.pushBlob(repo, config);
        http.pushBlob(repo, layer);
        return this;
    }

    HttpResponse<byte[]> putManifest(String reference) {
        return http.put("/v2/" + repo + "/manifests/" + reference, manifest, "Content-Type", OCI);
    }

    Digest digest() {
        return Digest.sha256(manifest);
    }

    /** The invariant: the manifest and every blob it references read back whole. */
    void assertIntact(String when) {
        HttpResponse<byte[]> m = http.get("/v2/" + repo + "/manifests/" + digest(), "Accept", OCI);
        expect(m, 200, when + ": manifest " + digest() + " acknowledged with 201 must stay readable (gc-rescue:"
                + " a manifest put of the same digest, or an index naming it, returns a claimed manifest to LIVE so"
                + " that CollectionHandler.sweep fails; gc-superset: CollectionHandler.references holds it)");
        for (byte[] blob : List.of(config, layer)) {
            HttpResponse<byte[]> r = http.get("/v2/" + repo + "/blobs/" + Digest.sha256(blob));
            expect(r, 200, when + ": blob " + Digest.sha256(blob) + " of acknowledged manifest " + digest()
                    + " was collected. The backend broke gc-rescue (a use of a claimed item, here the manifest"
                    + " put referencing it, must return it to LIVE so that CollectionHandler.sweep's compare-and-swap"
                    + " fails; manifest-put-5) or gc-superset (CollectionHandler.references must hold what every"
                    + " manifest, and every manifest put in progress, references)");
            assertBody(blob, r, when + ": blob content changed");
        }
    }
}
