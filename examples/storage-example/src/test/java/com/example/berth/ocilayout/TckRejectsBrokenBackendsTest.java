// SPDX-License-Identifier: Apache-2.0
package com.example.berth.ocilayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** The kit catches real bugs: each broken backend fails exactly the checks for its bug, with a clear message. */
class TckRejectsBrokenBackendsTest {

    static List<Arguments> brokenBackends() {
        return List.of(
                Arguments.of(BrokenBackends.CommitsUnverifiedBytesTck.class, List.of(
                        "put-2: a digest mismatch propagates and stores nothing",
                        "put-2: a size mismatch propagates and stores nothing",
                        "put-2: a stream failing midway stores nothing",
                        "put-2: after a failed put, putting the same digest whole stores it whole",
                        "put-2: a failing put of a digest another repository holds reads the stream and links nothing",
                        // single-request pushes reach put(), so the bug shows over HTTP too
                        "end-4b: a single POST with the wrong digest is 400 DIGEST_INVALID and stores nothing"),
                        "put-2"),
                Arguments.of(BrokenBackends.LeaksAcrossRepositoriesTck.class, List.of(
                        "get-2: a blob is readable only through repositories it was put or mounted into",
                        "put-2: a failing put of a digest another repository holds reads the stream and links nothing",
                        "delete-1, delete-2, delete-3: delete removes from one repository only"), "get-2"),
                Arguments.of(BrokenBackends.UnorderedTagsTck.class, List.of(
                        "tags-1, tags-2: tags list in ASCIIbetical order, paginated; unknown repository throws",
                        "end-8a, end-8b: tags/list in order with n, last and Link; unknown repository is 404"), "tags-1"),
                Arguments.of(BrokenCollectors.SweepsBlobsWithoutTheirClaimTck.class, List.of(
                        "gc-claim: claiming a COLLECTING item left by a collector that died takes it over",
                        "gc-superset, gc-rescue: a manifest arriving at RECHECKED (blob phase) keeps its blobs",
                        "gc-rescue: a blob pushed again at CLAIMED survives the pass",
                        "gc-rescue: a blob pushed again at RECHECKED survives the pass"), "was collected"),
                Arguments.of(BrokenBackends.KeepsPartialContentTck.class, List.of(
                        "put-2: after a failed put, putting the same digest whole stores it whole",
                        // it skips reading when the file exists: the same bug, seen from another repository
                        "put-2: a failing put of a digest another repository holds reads the stream and links nothing"),
                        "BlobPutHandler.put"),
                Arguments.of(BrokenCollectors.SweepsManifestsWithoutTheirClaimTck.class, List.of(
                        "gc-rescue, manifest-put-5: an index pushed at RECHECKED over its claimed untagged child keeps the child and"
                                + " its blobs"), "must stay readable"),
                Arguments.of(BrokenCollectors.RefusesClaimTakeoverTck.class, List.of(
                        "gc-claim: claiming a COLLECTING item left by a collector that died takes it over"),
                        "CollectionHandler.claim"),
                Arguments.of(BrokenCollectors.ForgetsOnRestartTck.class, List.of(
                        "durable-1: blobs, manifests, tags and referrers stored before a restart read back the same"
                                + " after it",
                        "durable-2: an upload session resumes after a restart at the size acknowledged before it",
                        "durable-3: what was deleted or untagged before a restart stays gone after it"), "durable-"));
    }

    /** The kit's 300 MiB stream, seconds a run, catches none of these bugs; the kit's own runs keep it. */
    private static final PostDiscoveryFilter WITHOUT_LARGE_STREAM = descriptor -> FilterResult.includedIf(
            !descriptor.getDisplayName().startsWith("put-1: a 300 MiB stream"));

    @ParameterizedTest(name = "{0} is rejected for {2}")
    @MethodSource("brokenBackends")
    void rejected(Class<?> tck, List<String> mustFail, String clause) {
        List<Event> failed = EngineTestKit.engine("junit-jupiter").selectors(selectClass(tck))
                .filters(WITHOUT_LARGE_STREAM).execute().testEvents().failed().list();
        Map<String, String> messages = new TreeMap<>();
        for (Event e : failed) {
            String message = e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                    .map(Throwable::getMessage).orElse("");
            messages.put(e.getTestDescriptor().getDisplayName(), message);
        }
        messages.forEach((name, message) -> System.out.println(tck.getSimpleName() + " | " + name + " | " + message));
        assertEquals(new java.util.TreeSet<>(mustFail), messages.keySet(),
                "the kit must fail exactly the checks for this bug");
        assertTrue(messages.values().stream().anyMatch(m -> m.contains(clause)),
                "a failure message names the clause " + clause + ": " + messages.values());
    }
}
