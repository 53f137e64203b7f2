// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.berth.registry.core.ImmutableTags;
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
 * </pre>
 * Unknown keys are refused, naming the known ones.
 */
record PolicyFile(@JsonProperty("immutable-tags") List<ImmutableRule> immutableTags) {
    record ImmutableRule(String name, List<String> repositories, List<String> tags) {
    }

    PolicyFile {
        immutableTags = immutableTags == null ? List.of() : List.copyOf(immutableTags);
    }

    static PolicyFile load(Path file) throws IOException {
        YAMLMapper yaml = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY).build(); // repositories: prod/** is a list of one
        PolicyFile policy;
        try {
            com.fasterxml.jackson.databind.JsonNode tree = yaml.readTree(file.toFile());
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                return new PolicyFile(List.of()); // empty, or comments only: no rules
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
        policy.immutable(file); // compiles every glob now, so that a bad one is reported with the file
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
}
