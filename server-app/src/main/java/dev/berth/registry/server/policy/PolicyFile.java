// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.berth.registry.core.ImmutableTags;
import dev.berth.registry.core.Quota;
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
 * quotas:
 *   - name: team-a
 *     repositories: ["team-a/**"]
 *     max-bytes: 10GiB                # B, KiB, MiB, GiB, TiB (or KB, MB, GB, TB: powers of 1000)
 *     shared: true                    # the repositories share it; false (default): each has its own
 * </pre>
 * Unknown keys are refused, naming the known ones.
 */
record PolicyFile(@JsonProperty("immutable-tags") List<ImmutableRule> immutableTags, List<QuotaRule> quotas) {
    record ImmutableRule(String name, List<String> repositories, List<String> tags) {
    }

    record QuotaRule(String name, List<String> repositories, @JsonProperty("max-bytes") String maxBytes,
                     boolean shared) {
    }

    PolicyFile {
        immutableTags = immutableTags == null ? List.of() : List.copyOf(immutableTags);
        quotas = quotas == null ? List.of() : List.copyOf(quotas);
    }

    static PolicyFile load(Path file) throws IOException {
        YAMLMapper yaml = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY).build(); // repositories: prod/** is a list of one
        PolicyFile policy;
        try {
            com.fasterxml.jackson.databind.JsonNode tree = yaml.readTree(file.toFile());
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                return new PolicyFile(List.of(), List.of()); // empty, or comments only: no rules
            }
            policy = yaml.treeToValue(tree, PolicyFile.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(file + ": unknown key '" + e.getPropertyName() + "' at " + where(e)
                    + "; known keys: " + e.getKnownPropertyIds(), e);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(file + ": " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + " at " + where(e), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not valid YAML: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        }
        policy.immutable(file); // compiles every glob and size now, so that a bad one is reported with the file
        policy.quotas(file);
        return policy;
    }

    /** Where in the file a mapping error is, as a reader names it: {@code immutable-tags[0].tagz}. */
    private static String where(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() > 0 ? "." : "").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() > 0 ? path.toString() : "the top";
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
            List<java.util.function.Predicate<dev.berth.registry.api.Repository>> globs = new ArrayList<>();
            try {
                for (String glob : rule.repositories()) {
                    globs.add(Quota.perRepository(name, glob, 0).covers());
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": quota " + name + ": " + e.getMessage(), e);
            }
            result.add(new Quota(name, bytes(file, name, rule.maxBytes()), rule.shared(),
                    repo -> globs.stream().anyMatch(g -> g.test(repo))));
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
}
