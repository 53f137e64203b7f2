// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.policy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Reads the server's YAML files into records: unknown keys refused, every error naming the file and the place. */
public final class StrictYaml {
    private StrictYaml() {
    }

    /** {@code file} as a {@code type}; empty when it holds nothing (or comments only). */
    public static <T> Optional<T> read(Path file, Class<T> type) throws IOException {
        YAMLMapper yaml = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY).build(); // repositories: prod/** is a list of one
        try {
            JsonNode tree = yaml.readTree(file.toFile());
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                return Optional.empty();
            }
            return Optional.of(yaml.treeToValue(tree, type));
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
}
