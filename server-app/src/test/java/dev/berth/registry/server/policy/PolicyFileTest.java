// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.core.ImmutableTags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy file as operators write it, and the errors they get when they get it wrong. */
class PolicyFileTest {
    @TempDir
    Path dir;

    private ImmutableTags load(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), yaml);
        return PolicyFile.load(file).immutable(file);
    }

    @Test
    void rulesMatchByRepositoryAndTagGlobs() throws Exception {
        ImmutableTags rules = load("""
                immutable-tags:
                  - name: releases
                    repositories: ["prod/**", "base/*"]
                    tags: ["v*", "[0-9]*.[0-9]*"]
                  - repositories: team/app
                    tags: stable
                """);
        assertEquals(Optional.of("\"releases\""), rules.rule(new Repository("prod/a/b"), new Tag("v1.2")));
        assertEquals(Optional.of("\"releases\""), rules.rule(new Repository("base/alpine"), new Tag("3.20")));
        assertEquals(Optional.empty(), rules.rule(new Repository("base/alpine/x"), new Tag("v1")), "* stays in a component");
        assertEquals(Optional.empty(), rules.rule(new Repository("prod/app"), new Tag("latest")));
        assertEquals(Optional.of("\"immutable-tags[1]\""), rules.rule(new Repository("team/app"), new Tag("stable")));
        assertTrue(rules.mayApply(new Repository("prod/x")));
        assertTrue(!rules.mayApply(new Repository("dev/x")), "a delete by digest in dev/x reads no tags");
        assertEquals(Optional.empty(), load("").rule(new Repository("prod/a"), new Tag("v1")), "an empty file: no rules");
        assertEquals(Optional.empty(), load("# none yet\n").rule(new Repository("prod/a"), new Tag("v1")), "comments only");
    }

    @Test
    void quotasWithSizesAndSharing() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), """
                quotas:
                  - name: team
                    repositories: ["team/**", "shared-*"]
                    max-bytes: 1.5GiB
                    shared: true
                  - repositories: sandbox/*
                    max-bytes: 500MB
                  - name: exact
                    repositories: [x]
                    max-bytes: 1048576
                """);
        java.util.List<dev.berth.registry.core.Quota> quotas = PolicyFile.load(file).quotas(file);
        assertEquals(3L * 512 * 1024 * 1024, quotas.get(0).maxBytes());
        assertTrue(quotas.get(0).shared() && quotas.get(0).covers().test(new Repository("team/a/b"))
                && quotas.get(0).covers().test(new Repository("shared-x")));
        assertEquals("quotas[1]", quotas.get(1).name());
        assertEquals(500_000_000L, quotas.get(1).maxBytes());
        assertTrue(!quotas.get(1).shared() && !quotas.get(1).covers().test(new Repository("sandbox/a/b")));
        assertEquals(1_048_576L, quotas.get(2).maxBytes());
    }

    @Test
    void retentionRules() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), """
                retention:
                  - name: ci
                    repositories: ["ci/**"]
                    keep-latest: 10
                    latest-tags: ["build-*"]
                    pushed-within: 30d
                    pulled-within: 12h
                    always: [latest]
                    untagged-after: 7d
                  - repositories: tmp/*
                    untagged-after: 1h
                """);
        java.util.List<dev.berth.registry.core.RetentionRule> rules = PolicyFile.load(file).retention(file);
        assertEquals("ci", rules.get(0).name());
        assertEquals(java.util.OptionalInt.of(10), rules.get(0).keepLatest());
        assertEquals(java.util.List.of("build-*"), rules.get(0).latestTags());
        assertEquals(Optional.of(java.time.Duration.ofDays(30)), rules.get(0).pushedWithin());
        assertEquals(Optional.of(java.time.Duration.ofDays(7)), rules.get(0).untaggedAfter());
        assertEquals(Optional.of(java.time.Duration.ofHours(12)), rules.get(0).pulledWithin());
        assertTrue(rules.get(0).covers().test(new Repository("ci/a/b")));
        assertEquals("retention[1]", rules.get(1).name());
        assertTrue(!rules.get(1).removesTags(), "a rule without keep-latest or pushed-within only collects untagged ones");
    }

    record Broken(String yaml, String message) {
    }

    static java.util.List<Broken> broken() {
        return java.util.List.of(
                new Broken("immutable-tags:\n  - repositories: [a]\n    tagz: [x]\n",
                        "unknown key 'tagz' at immutable-tags[0].tagz; known keys:"),
                new Broken("immutable-tag: []\n", "unknown key 'immutable-tag' at immutable-tag"),
                new Broken("immutable-tags:\n  - repositories: [\"a/[**\"]\n    tags: [x]\n",
                        "immutable-tags rule immutable-tags[0]: not a glob: \"a/[**\""),
                new Broken("immutable-tags:\n  - name: r\n    tags: [x]\n", "immutable-tags rule r needs repositories"),
                new Broken("immutable-tags: [\n", "is not valid YAML"),
                new Broken("quotas:\n  - repositories: [a]\n    max-bytes: lots\n",
                        "quota quotas[0]: max-bytes must be a size such as 10GiB, 500MB or 1048576, not lots"),
                new Broken("quotas:\n  - name: q\n    max-bytes: 1GiB\n", "quota q needs repositories"),
                new Broken("retention:\n  - repositories: [a]\n    pushed-within: soon\n",
                        "retention rule retention[0]: pushed-within must be a duration such as 12h, 30d or 90m, not soon"),
                new Broken("retention:\n  - name: r\n    repositories: [a]\n    keep-latest: -1\n",
                        "retention rule r: keep-latest must not be negative"),
                new Broken("retention:\n  - name: r\n    keep-latest: 3\n", "retention rule r needs repositories"));
    }

    @ParameterizedTest
    @MethodSource("broken")
    void brokenFilesAreRefusedNamingThePlace(Broken broken) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(broken.yaml()));
        assertTrue(e.getMessage().contains(broken.message()), e.getMessage());
        assertTrue(e.getMessage().startsWith(dir.resolve("policy.yaml").toString()), "names the file: " + e.getMessage());
    }
}
