// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static dev.berth.registry.tck.HttpTester.assertBody;
import static dev.berth.registry.tck.HttpTester.expect;
import static dev.berth.registry.tck.HttpTester.expectError;
import static dev.berth.registry.tck.HttpTester.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.spi.gc.CollectableStorage;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Collector.Phase;
import dev.berth.registry.core.Collector.Report;
import dev.berth.registry.core.Registry;
import dev.berth.registry.spi.gc.CollectionHandler.Kind;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * GC safety: deterministic interleavings of a collection pass with pushes, each pausing the
 * collector at an exact phase, acting over HTTP, then letting it finish. The invariant every
 * scenario asserts: a manifest acknowledged with 201 has all its blobs readable after any
 * collection. The clock is the test's; nothing sleeps.
 */
abstract class CollectionProtocol extends ProtocolContracts {
    private static final String OCI = MediaType.OCI_MANIFEST.value();
    private Registry registry;
    final TestClock clock = new TestClock();

    @BeforeEach
    void requireCollection() {
        require(storage(), CollectableStorage.class);
        org.junit.jupiter.api.Assumptions.assumeTrue(blobHandler().isEmpty(), "blobs live in the blob handler under"
                + " test, which the collector never collects: the GC checks are the storage's own kit's");
    }

    @Override
    Registry.Builder configure(Registry.Builder builder) {
        return builder.uploadExpiry(Duration.ofHours(1));
    }

    private Registry registry() {
        if (registry == null) {
            registry = configure(composed()).build();
        }
        return registry;
    }

    private Collector collector(Duration grace, Collector.Checkpoint checkpoint) {
        return collector(grace, checkpoint, r -> false);
    }

    private Collector collector(Duration grace, Collector.Checkpoint checkpoint, Predicate<Repository> untagged) {
        return Collector.builder(registry()).clock(clock).grace(grace).checkpoint(checkpoint).untagged(untagged)
                .build();
    }

    private Report collectNow(Duration grace) throws IOException {
        return collector(grace, (p, r, k) -> { }).collect(false);
    }

    /**
     * Runs a pass (grace 0) that pauses at {@code phase} of {@code kind} in {@code repository},
     * does {@code action} meanwhile, lets the pass finish and returns its report.
     */
    private Report pausedAt(Phase phase, Kind kind, String repository, Predicate<Repository> untagged,
                            GcPause.WhilePaused action) throws Exception {
        try (GcPause pause = new GcPause(phase, kind, repository)) {
            CompletableFuture<Report> pass = pause.run(collector(Duration.ZERO, pause, untagged));
            pause.awaitReached();
            action.run();
            pause.resume();
            return pass.get(30, TimeUnit.SECONDS);
        }
    }

    private Report pausedAt(Phase phase, Kind kind, String repository, GcPause.WhilePaused action) throws Exception {
        return pausedAt(phase, kind, repository, r -> false, action);
    }

    @ParameterizedTest(name = "gc-superset, gc-rescue: a manifest arriving at {0} (blob phase) keeps its blobs")
    @EnumSource(value = Phase.class, names = {"LISTED", "CLAIMED", "RECHECKED"})
    void manifestArrivesDuringBlobSweep(Phase phase) throws Exception {
        GcImage image = new GcImage(http, "gc/arrive", 1).pushBlobs();
        pausedAt(phase, Kind.BLOB, "gc/arrive", () ->
                expect(image.putManifest("v1"), 201, "manifest PUT while the collector is paused at " + phase));
        image.assertIntact("after the pass");
        collectNow(Duration.ZERO);
        image.assertIntact("after a second pass");
    }

    @Test
    @DisplayName("manifest-put-5: a manifest arriving after its blobs were swept gets MANIFEST_BLOB_UNKNOWN; pushing again works")
    void manifestAfterSweepIsRefused() throws Exception {
        GcImage image = new GcImage(http, "gc/late", 2).pushBlobs();
        Report report = collectNow(Duration.ZERO);
        assertEquals(2, report.blobsSwept(), "two unreferenced blobs past a zero grace: " + report);
        expectError(image.putManifest("v1"), 400, "MANIFEST_BLOB_UNKNOWN", "manifest PUT after its blobs were swept");
        image.pushBlobs();
        expect(image.putManifest("v1"), 201, "manifest PUT after pushing the blobs again");
        collectNow(Duration.ZERO);
        image.assertIntact("after collecting again");
    }

    @ParameterizedTest(name = "gc-rescue: a blob pushed again at {0} survives the pass")
    @EnumSource(value = Phase.class, names = {"CLAIMED", "RECHECKED"})
    void blobRepushedWhileClaimed(Phase phase) throws Exception {
        byte[] blob = Content.random(3, 1000);
        Digest digest = http.pushBlob("gc/repush", blob);
        String location = header(http.post("/v2/gc/repush/blobs/uploads/", new byte[0]), "Location");
        Report report = pausedAt(phase, Kind.BLOB, "gc/repush", () -> {
            http.pushBlob("gc/repush", blob); // monolithic
            expect(http.put(location + (location.contains("?") ? "&" : "?") + "digest=" + digest, blob), 201,
                    "chunked upload committed while the blob is claimed");
        });
        assertEquals(0, report.blobsSwept(), "a re-pushed blob must not be swept in this pass: " + report);
        HttpResponse<byte[]> r = http.get("/v2/gc/repush/blobs/" + digest);
        expect(r, 200, "blob pushed again during the pass");
        assertBody(blob, r, "end-2: the blob stays readable");
    }

    @Test
    @DisplayName("gc-rescue: a mount from a repository whose blob is claimed rescues it; a manifest in the target then holds")
    void mountDuringSweep() throws Exception {
        byte[] config = "{\"seed\":4}".getBytes();
        http.pushBlob("gc/mount-a", config);
        GcImage image = new GcImage(http, "gc/mount-b", 4);
        http.pushBlob("gc/mount-a", image.layer);
        pausedAt(Phase.CLAIMED, Kind.BLOB, "gc/mount-a", () -> {
            for (byte[] blob : List.of(image.config, image.layer)) {
                expect(http.post("/v2/gc/mount-b/blobs/uploads/?mount=" + Digest.sha256(blob) + "&from=gc/mount-a",
                        new byte[0]), 201, "mount from a repository whose blob is claimed");
            }
            expect(image.putManifest("v1"), 201, "manifest over the mounted blobs");
        });
        image.assertIntact("after the pass");
        collectNow(Duration.ZERO);
        image.assertIntact("after a second pass");
    }

    @Test
    @DisplayName("gc-superset: a tag moved during marking: the newly tagged manifest and the re-tagged one both hold")
    void tagMovedDuringMark() throws Exception {
        GcImage first = new GcImage(http, "gc/tags", 51).pushBlobs();
        GcImage second = new GcImage(http, "gc/tags", 52).pushBlobs();
        expect(first.putManifest("latest"), 201, "first manifest");
        Predicate<Repository> all = r -> true;
        pausedAt(Phase.LISTED, Kind.MANIFEST, "gc/tags", all, () ->
                expect(second.putManifest("latest"), 201, "tag moved to a second manifest during marking"));
        second.assertIntact("tag moved during marking");
        // now the first manifest is untagged and a candidate; tag it again while it is claimed
        pausedAt(Phase.CLAIMED, Kind.MANIFEST, "gc/tags", all, () ->
                expect(first.putManifest("latest"), 201, "re-tagging an untagged manifest while it is claimed"));
        first.assertIntact("re-tagged while claimed");
        assertEquals(first.digest().toString(),
                header(http.head("/v2/gc/tags/manifests/latest", "Accept", OCI), "Docker-Content-Digest"));
    }

    @ParameterizedTest(name = "gc-rescue, manifest-put-5: an index pushed at {0} over its claimed untagged child keeps the child and its blobs")
    @EnumSource(value = Phase.class, names = {"CLAIMED", "RECHECKED"})
    void indexOverClaimedChild(Phase phase) throws Exception {
        GcImage child = new GcImage(http, "gc/index", 6).pushBlobs();
        expect(child.putManifest(child.digest().toString()), 201, "untagged child");
        byte[] index = Content.index(List.of(child.digest()), List.of((long) child.manifest.length), OCI);
        pausedAt(phase, Kind.MANIFEST, "gc/index", r -> true, () ->
                expect(http.put("/v2/gc/index/manifests/multi", index, "Content-Type", MediaType.OCI_INDEX.value()),
                        201, "index over a claimed child"));
        child.assertIntact("child of an index pushed during the pass");
        collectNow(Duration.ZERO);
        child.assertIntact("after a second pass");
    }

    @Test
    @DisplayName("gc-claim, gc-sweep: two collectors at once: the one that loses its claims sweeps nothing, the store stays whole")
    void twoCollectorsAtOnce() throws Exception {
        GcImage kept = new GcImage(http, "gc/two", 71).pushBlobs();
        expect(kept.putManifest("v1"), 201, "referenced image");
        GcImage late = new GcImage(http, "gc/two", 72).pushBlobs();
        byte[] garbage = Content.random(73, 2048);
        Digest garbageDigest = http.pushBlob("gc/two", garbage);
        AtomicReference<Report> second = new AtomicReference<>();
        Report first = pausedAt(Phase.CLAIMED, Kind.BLOB, "gc/two", () -> {
            expect(late.putManifest("v2"), 201, "manifest pushed while the first collector holds claims");
            second.set(collectNow(Duration.ZERO));
        });
        assertEquals(1, first.blobsSwept() + second.get().blobsSwept(),
                "exactly the one garbage blob is swept, once: " + first + " / " + second.get());
        expectError(http.get("/v2/gc/two/blobs/" + garbageDigest), 404, "BLOB_UNKNOWN", "unreferenced blob");
        kept.assertIntact("two collectors");
        late.assertIntact("two collectors, manifest pushed during the first");
    }

    @Test
    @DisplayName("gc-blobs: the grace period (from lastUsed) protects new content; dry runs report and sweep nothing; bytes are counted")
    void gracePeriodAndDryRun() throws Exception {
        byte[] blob = Content.random(8, 5000);
        Digest digest = http.pushBlob("gc/grace", blob);
        GcImage image = new GcImage(http, "gc/grace", 81).pushBlobs();
        expect(image.putManifest("v1"), 201, "referenced image");
        Collector collector = collector(Duration.ofHours(24), (p, r, k) -> { });
        assertEquals(0, collector.collect(true).blobsSwept(), "within the grace period nothing is a candidate");
        clock.advance(Duration.ofHours(25));
        Report dry = collector.collect(true);
        assertTrue(dry.dryRun());
        assertEquals(List.of(new Collector.Candidate(repo("gc/grace"), Kind.BLOB, digest, blob.length)), dry.swept(),
                "the dry run names the one unreferenced blob");
        expect(http.head("/v2/gc/grace/blobs/" + digest), 200, "a dry run deletes nothing");
        Report real = collector.collect(false);
        assertEquals(1, real.blobsSwept(), real.toString());
        assertEquals(blob.length, real.bytesFreed(), "bytes freed: the blob's size");
        expectError(http.get("/v2/gc/grace/blobs/" + digest), 404, "BLOB_UNKNOWN", "swept blob");
        image.assertIntact("after the grace period");
    }

    @Test
    @DisplayName("gc-sweep: a deleted manifest's blobs are collected; content another repository links stays")
    void deletedManifestAndSharedContent() throws Exception {
        GcImage image = new GcImage(http, "gc/del-a", 9).pushBlobs();
        expect(image.putManifest("v1"), 201, "image in a");
        expect(http.post("/v2/gc/del-b/blobs/uploads/?mount=" + Digest.sha256(image.layer) + "&from=gc/del-a",
                new byte[0]), 201, "layer mounted into b");
        expect(http.delete("/v2/gc/del-a/manifests/" + image.digest()), 202, "manifest deleted");
        Report report = collectNow(Duration.ZERO);
        expectError(http.get("/v2/gc/del-a/blobs/" + Digest.sha256(image.config)), 404, "BLOB_UNKNOWN", "config");
        expectError(http.get("/v2/gc/del-a/blobs/" + Digest.sha256(image.layer)), 404, "BLOB_UNKNOWN", "layer in a");
        // b's link is unreferenced too, but was just mounted: with a grace period it stays
        assertTrue(report.blobsSwept() >= 2, report.toString());
        GcImage other = new GcImage(http, "gc/del-c", 91).pushBlobs();
        expect(http.post("/v2/gc/del-d/blobs/uploads/?mount=" + Digest.sha256(other.layer) + "&from=gc/del-c",
                new byte[0]), 201, "layer mounted into d");
        expect(http.delete("/v2/gc/del-c/blobs/" + Digest.sha256(other.layer)), 202, "layer unlinked from c");
        collector(Duration.ofHours(1), (p, r, k) -> { }).collect(false);
        HttpResponse<byte[]> r = http.get("/v2/gc/del-d/blobs/" + Digest.sha256(other.layer));
        expect(r, 200, "content still linked by another repository");
        assertBody(other.layer, r, "end-2: content another repository links stays readable");
    }

    @Test
    @DisplayName("uploads-3: abandoned uploads are purged by last activity")
    void abandonedUploads() throws Exception {
        String location = header(http.post("/v2/gc/uploads/blobs/uploads/", new byte[0]), "Location");
        expect(http.patch(location, new byte[] {1, 2, 3}, "Content-Range", "0-2"), 202, "chunk");
        Collector collector = collector(Duration.ofHours(24), (p, r, k) -> { });
        clock.advance(Duration.ofMinutes(30));
        assertEquals(0, collector.collect(false).uploadsExpired(), "30 minutes idle: within the 1 h expiry");
        expect(http.get(location), 204, "session still open");
        clock.advance(Duration.ofHours(1));
        assertEquals(1, collector.collect(false).uploadsExpired(), "90 minutes idle: past the 1 h expiry");
        expectError(http.get(location), 404, "BLOB_UPLOAD_UNKNOWN", "expired session");
    }

    @Test
    @DisplayName("gc-manifests: untagged manifests stay unless the repository opted in; then they go with their blobs and referrers")
    void untaggedPolicy() throws Exception {
        GcImage tagged = new GcImage(http, "gc/untagged", 111).pushBlobs();
        expect(tagged.putManifest("v1"), 201, "tagged");
        GcImage untagged = new GcImage(http, "gc/untagged", 112).pushBlobs();
        expect(untagged.putManifest(untagged.digest().toString()), 201, "pushed by digest only");
        byte[] signature = Content.imageManifest(Digest.sha256(tagged.config), tagged.config.length, List.of(),
                List.of(), ",\"subject\":" + Content.descriptor(OCI, tagged.digest(), tagged.manifest.length));
        Digest signatureDigest = http.pushManifest("gc/untagged", Digest.sha256(signature).toString(), OCI, signature);
        collectNow(Duration.ZERO);
        untagged.assertIntact("untagged manifests are kept by default");
        Report report = collector(Duration.ZERO, (p, r, k) -> { }, r -> r.name().equals("gc/untagged")).collect(false);
        assertEquals(1, report.manifestsSwept(), "only the untagged, unreferenced manifest: " + report);
        expectError(http.get("/v2/gc/untagged/manifests/" + untagged.digest(), "Accept", OCI), 404,
                "MANIFEST_UNKNOWN", "untagged manifest after opting in");
        expectError(http.get("/v2/gc/untagged/blobs/" + Digest.sha256(untagged.layer)), 404, "BLOB_UNKNOWN",
                "its layer, in the same pass");
        tagged.assertIntact("tagged manifest");
        expect(http.get("/v2/gc/untagged/manifests/" + signatureDigest, "Accept", OCI), 200,
                "a referrer of a tagged manifest is kept");
        expect(http.delete("/v2/gc/untagged/manifests/v1"), 202, "untag v1");
        Collector optedIn = collector(Duration.ZERO, (p, r, k) -> { }, r -> true);
        optedIn.collect(false);
        expect(http.get("/v2/gc/untagged/manifests/" + signatureDigest, "Accept", OCI), 200,
                "a referrer is released while its subject still exists at the re-check (a re-tag may rescue it)");
        optedIn.collect(false);
        expectError(http.get("/v2/gc/untagged/manifests/" + signatureDigest, "Accept", OCI), 404, "MANIFEST_UNKNOWN",
                "a referrer goes with its subject, in the next pass");
    }
}
