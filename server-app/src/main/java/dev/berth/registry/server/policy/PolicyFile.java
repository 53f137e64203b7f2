// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.registry.core.Globs;
import dev.berth.registry.core.ImmutableTags;
import dev.berth.registry.core.Quota;
import dev.berth.registry.core.RetentionRule;
import dev.berth.registry.spi.StorageConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The repository policy file ({@code --policy}), in YAML:
 * <pre>
 * immutable-tags:
 *   - name: releases                  # how refusals name the rule (default: immutable-tags[N])
 *     repositories: ["prod/**"]       # globs: * within a name component, ** across them
 *     tags: ["v*", "[0-9]*.[0-9]*"]   # globs over the tag
 * retention:                          # applied by each garbage collection pass
 *   - name: ci
 *     repositories: ["ci/**"]
 *     keep-latest: 10                 # the 10 most recently pushed tags matching latest-tags
 *     latest-tags: ["*"]              # the default
 *     pushed-within: 30d              # and every tag pushed in the last 30 days
 *     pulled-within: 7d               # and every tag pulled (manifest GET) in the last 7 days
 *     always: ["latest", "release-*"] # and these, whenever pushed
 *     untagged-after: 7d              # untagged manifests last pushed 7 days ago or more
 * quotas:
 *   - name: team-a
 *     repositories: ["team-a/**"]
 *     max-bytes: 10GiB                # B, KiB, MiB, GiB, TiB (or KB, MB, GB, TB: powers of 1000)
 *     shared: true                    # the repositories share it; false (default): each has its own
 * </pre>
 * Unknown keys are refused, naming the known ones.
 */
record PolicyFile(@JsonProperty("immutable-tags") List<ImmutableRule> immutableTags, List<QuotaRule> quotas,
                  List<RetentionEntry> retention) {
    record ImmutableRule(String name, List<String> repositories, List<String> tags) {
    }

    record QuotaRule(String name, List<String> repositories, @JsonProperty("max-bytes") String maxBytes,
                     boolean shared) {
    }

    record RetentionEntry(String name, List<String> repositories, @JsonProperty("keep-latest") Integer keepLatest,
                          @JsonProperty("latest-tags") List<String> latestTags,
                          @JsonProperty("pushed-within") String pushedWithin,
                          @JsonProperty("pulled-within") String pulledWithin, List<String> always,
                          @JsonProperty("untagged-after") String untaggedAfter) {
    }

    PolicyFile {
        immutableTags = immutableTags == null ? List.of() : List.copyOf(immutableTags);
        quotas = quotas == null ? List.of() : List.copyOf(quotas);
        retention = retention == null ? List.of() : List.copyOf(retention);
    }

    static PolicyFile load(Path file) throws IOException {
        PolicyFile policy = StrictYaml.read(file, PolicyFile.class)
                .orElseGet(() -> new PolicyFile(List.of(), List.of(), List.of())); // empty, or comments only: no rules
        policy.immutable(file); // compiles every glob and size now, so that a bad one is reported with the file
        policy.quotas(file);
        policy.retention(file);
        return policy;
    }

    /** The immutable-tags rules, the first that applies naming a refusal. */
    ImmutableTags immutable(Path file) {
        List<ImmutableTags> rules = new ArrayList<>();
        for (int i = 0; i < immutableTags.size(); i++) {
            ImmutableRule rule = immutableTags.get(i);
            String name = rule.name() != null ? rule.name() : "immutable-tags[" + i + "]";
            if (rule.repositories() == null || rule.repositories().isEmpty() || rule.tags() == null
                    || rule.tags().isEmpty()) {
                throw new IllegalArgumentException(file + ": immutable-tags rule " + name
                        + " needs repositories: [globs] and tags: [globs]");
            }
            try {
                rules.add(ImmutableTags.matching("\"" + name + "\"", rule.repositories(), rule.tags()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": immutable-tags rule " + name + ": " + e.getMessage(), e);
            }
        }
        return ImmutableTags.firstOf(rules);
    }

    /** The quotas, each covering the repositories one of its globs matches. */
    List<Quota> quotas(Path file) {
        List<Quota> result = new ArrayList<>();
        for (int i = 0; i < quotas.size(); i++) {
            QuotaRule rule = quotas.get(i);
            String name = rule.name() != null ? rule.name() : "quotas[" + i + "]";
            if (rule.repositories() == null || rule.repositories().isEmpty() || rule.maxBytes() == null) {
                throw new IllegalArgumentException(file + ": quota " + name + " needs repositories: [globs] and max-bytes:");
            }
            java.util.function.Predicate<dev.berth.registry.api.Repository> covers;
            try {
                covers = Globs.repositories(rule.repositories());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": quota " + name + ": " + e.getMessage(), e);
            }
            result.add(new Quota(name, bytes(file, name, rule.maxBytes()), rule.shared(), covers));
        }
        return List.copyOf(result);
    }

    private static final java.util.regex.Pattern SIZE = java.util.regex.Pattern.compile(
            "([0-9]+(?:\\.[0-9]+)?)\\s*([KMGT]i?B|B)?");

    /** {@code 10GiB}, {@code 500 MB}, {@code 1048576}: bytes. */
    static long bytes(Path file, String quota, String text) {
        java.util.regex.Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(file + ": quota " + quota + ": max-bytes must be a size such as 10GiB,"
                    + " 500MB or 1048576, not " + text);
        }
        String unit = m.group(2) == null ? "B" : m.group(2);
        int power = "BKMGT".indexOf(unit.charAt(0));
        double base = unit.contains("i") || unit.equals("B") ? 1024 : 1000;
        return (long) (Double.parseDouble(m.group(1)) * Math.pow(base, power));
    }

    /** The retention rules, the first covering a repository applying to it. */
    List<RetentionRule> retention(Path file) {
        List<RetentionRule> rules = new ArrayList<>();
        for (int i = 0; i < retention.size(); i++) {
            RetentionEntry entry = retention.get(i);
            String name = entry.name() != null ? entry.name() : "retention[" + i + "]";
            if (entry.repositories() == null || entry.repositories().isEmpty()) {
                throw new IllegalArgumentException(file + ": retention rule " + name + " needs repositories: [globs]");
            }
            try {
                rules.add(new RetentionRule(name, Globs.repositories(entry.repositories()),
                        entry.keepLatest() == null ? OptionalInt.empty() : OptionalInt.of(entry.keepLatest()),
                        entry.latestTags() == null ? List.of() : entry.latestTags(),
                        duration(file, name, "pushed-within", entry.pushedWithin()),
                        duration(file, name, "pulled-within", entry.pulledWithin()),
                        entry.always() == null ? List.of() : entry.always(),
                        duration(file, name, "untagged-after", entry.untaggedAfter())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().startsWith(file.toString()) ? e.getMessage()
                        : file + ": retention rule " + name + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(rules);
    }

    private static Optional<Duration> duration(Path file, String rule, String key, String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StorageConfig.of(Map.of(key, value)).duration(key, Duration.ZERO));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": retention rule " + rule + ": " + key
                    + " must be a duration such as 12h, 30d or 90m, not " + value, e);
        }
    }
}
