// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static dev.berth.registry.tck.HttpTester.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Tag;
import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Collector.Report;
import dev.berth.registry.core.ImmutableTags;
import dev.berth.registry.core.Registry;
import dev.berth.registry.core.Retention;
import dev.berth.registry.core.RetentionRule;
import dev.berth.registry.core.StorageObserver;
import dev.berth.registry.spi.TagPullsHandler;
import dev.berth.registry.spi.gc.CollectableStorage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Retention by the online collector over what clients pushed by HTTP: which tags go, what follows them. */
abstract class RetentionProtocol extends ProtocolContracts {
    /** Keeps latest and v* (immutable); removes every other tag; untagged manifests go at once. */
    private static final Retention ONLY_LATEST = Retention.of(new RetentionRule("ci", repo -> repo.name().startsWith("ret/"),
            OptionalInt.of(0), List.of(), Optional.empty(), Optional.empty(), List.of("latest"),
            Optional.of(Duration.ZERO)));

    private final AtomicBoolean slowFirstPullWrite = new AtomicBoolean();

    @BeforeEach
    void requireCollection() {
        require(storage(), CollectableStorage.class);
        org.junit.jupiter.api.Assumptions.assumeTrue(blobHandler().isEmpty(), "the collector never collects the"
                + " blob handler under test: retention is checked by the storage's own kit");
    }

    @Override
    Registry.Builder configure(Registry.Builder builder) {
        return builder.immutableTags(ImmutableTags.matching("ret/**", "v*")).observeStorage((operation, nanos, outcome) -> {
            if (operation.equals("TagPullsHandler.recordPull") && slowFirstPullWrite.getAndSet(false)) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
    }

    private Report pass(boolean dryRun, StorageObserver observer) throws Exception {
        Registry registry = configure(composed()).observeStorage(observer).build();
        return Collector.builder(registry).grace(Duration.ZERO).retention(ONLY_LATEST).build().collect(dryRun);
    }

    private Set<String> tags(String repo) {
        Set<String> tags = new TreeSet<>();
        HttpTester.json(http.get("/v2/" + repo + "/tags/list")).get("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    @Test
    @DisplayName("end-8: a pass removes the tags no rule keeps, never an immutable one, and what only they referenced")
    void removesWhatNoRuleKeeps() throws Exception {
        Digest kept = http.pushManifest("ret/app", "latest", OCI, image("ret/app", 70, ""));
        http.pushManifest("ret/app", "v1", OCI, image("ret/app", 71, ""));
        Digest ci = http.pushManifest("ret/app", "ci-1", OCI, image("ret/app", 72, ""));
        http.pushManifest("ret/app", "ci-2", OCI, image("ret/app", 73, ""));
        Report dry = pass(true, (op, nanos, outcome) -> { });
        assertEquals(Set.of("ci-1", "ci-2"), new TreeSet<>(dry.tagsRemoved().stream().map(r -> r.tag().value()).toList()),
                "a dry run lists the tags the rule would remove");
        assertTrue(dry.tagsRemoved().get(0).reason().contains("most recently pushed"), dry.tagsRemoved().get(0).reason());
        assertEquals(Set.of("ci-1", "ci-2", "latest", "v1"), tags("ret/app"), "a dry run removes nothing");
        Report real = pass(false, (op, nanos, outcome) -> { });
        assertEquals(java.util.Map.of("ci", 2), real.tagsRemovedByRule(), "the pass counts removals per rule");
        assertEquals(Set.of("latest", "v1"), tags("ret/app"), "always-kept and immutable tags stay");
        expect(http.get("/v2/ret/app/manifests/" + kept), 200, "a kept tag's manifest stays");
        HttpTester.expectError(http.get("/v2/ret/app/manifests/" + ci), 404, "MANIFEST_UNKNOWN",
                "a removed tag's manifest is collected in the same pass (untagged-after 0)");
    }

    @Test
    @DisplayName("end-7: a tag pushed again while a pass judges it keeps the new manifest")
    void pushRacingThePass() throws Exception {
        http.pushManifest("ret/race", "ci-1", OCI, image("ret/race", 74, ""));
        byte[] again = image("ret/race", 75, "");
        AtomicBoolean pushed = new AtomicBoolean();
        Report report = pass(false, (operation, nanos, outcome) -> {
            // the pass has listed the repository's manifests: the tag is judged on what it named then
            if (operation.equals("CollectionHandler.manifests") && pushed.compareAndSet(false, true)) {
                http.pushManifest("ret/race", "ci-1", OCI, again);
            }
        });
        assertTrue(pushed.get(), "the push happened during the pass");
        assertEquals(Set.of("ci-1"), tags("ret/race"), "the pushed tag survives the pass");
        HttpTester.assertBody(again, http.get("/v2/ret/race/manifests/ci-1"), "it names the manifest pushed during the pass");
        assertTrue(report.tagsRemoved().isEmpty(), "nothing was removed: " + report.tagsRemoved());
    }

    @Test
    @DisplayName("end-3: pulls by tag are recorded in storage by the time the server has stopped")
    void pullsRecordedByStop() throws Exception {
        TagPullsHandler pulls = require(storage().manifests(), TagPullsHandler.class);
        http.pushManifest("ret/pulled", "a", OCI, image("ret/pulled", 76, ""));
        http.pushManifest("ret/pulled", "b", OCI, image("ret/pulled", 77, ""));
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        slowFirstPullWrite.set(true); // the second write waits behind the first
        expect(http.get("/v2/ret/pulled/manifests/a"), 200, "pull by tag a");
        expect(http.get("/v2/ret/pulled/manifests/b"), 200, "pull by tag b");
        server.close();
        server = null;
        Map<Tag, Instant> recorded = pulls.pulls(repo("ret/pulled"));
        for (String tag : List.of("a", "b")) {
            Instant at = recorded.get(new Tag(tag));
            assertTrue(at != null && !at.isBefore(before),
                    "a stopped server has written the pulls it answered, not left them to a thread: " + recorded);
        }
    }
}
