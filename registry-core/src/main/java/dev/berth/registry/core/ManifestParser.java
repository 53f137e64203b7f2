// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.spi.PushedManifest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import dev.berth.registry.spi.Manifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and validates the four manifest types (OCI image manifest and index, Docker schema 2
 * manifest and manifest list). Unknown fields are kept as they are: only the bytes are stored.
 */
final class ManifestParser {

    /** A descriptor the manifest depends on. {@code external}: has {@code urls}, may live elsewhere. */
    /** A descriptor the manifest needs present: its digest, the size it declares, and where it stands. */
    record Dependency(Digest digest, boolean manifest, boolean external, long size, String where) {
    }

    /** A validated manifest and the content it needs present in the repository. */
    record Parsed(PushedManifest manifest, List<Dependency> dependencies) {
    }

    private ManifestParser() {
    }

    static Parsed parse(byte[] content, Optional<MediaType> contentType, Digest digest) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(content);
        } catch (JacksonException e) {
            throw invalid("manifest is not well-formed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid("manifest could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid("manifest must be a JSON object");
        }
        Optional<MediaType> declared = optionalText(root, "mediaType").map(ManifestParser::mediaType);
        MediaType type = contentType.or(() -> declared).orElseThrow(() -> invalid(
                "manifest has neither a Content-Type nor a mediaType field"));
        if (declared.isPresent() && !declared.get().equals(type)) {
            throw invalid("mediaType field " + declared.get() + " does not match Content-Type " + type);
        }
        if (!type.isManifest()) {
            throw invalid("unsupported manifest media type " + type + "; supported: " + MediaType.OCI_MANIFEST + ", "
                    + MediaType.OCI_INDEX + ", " + MediaType.DOCKER_MANIFEST + ", " + MediaType.DOCKER_MANIFEST_LIST);
        }
        JsonNode schemaVersion = root.get("schemaVersion");
        if (schemaVersion == null || !schemaVersion.isIntegralNumber() || schemaVersion.asInt() != 2) {
            throw invalid("schemaVersion must be 2");
        }
        List<Dependency> dependencies = new ArrayList<>();
        Optional<String> artifactType = optionalText(root, "artifactType");
        if (type.isIndex()) {
            JsonNode manifests = requireArray(root, "manifests");
            int i = 0;
            for (JsonNode child : manifests) {
                String where = "manifests[" + i++ + "]";
                dependencies.add(new Dependency(descriptor(child, where), true, false, child.get("size").asLong(), where));
            }
        } else {
            JsonNode config = root.get("config");
            if (config == null || !config.isObject()) {
                throw invalid("an image manifest needs a config descriptor");
            }
            dependencies.add(new Dependency(descriptor(config, "config"), false, false, config.get("size").asLong(),
                    "config"));
            if (artifactType.isEmpty()) {
                artifactType = Optional.of(config.get("mediaType").asText());
            }
            JsonNode layers = requireArray(root, "layers");
            int i = 0;
            for (JsonNode layer : layers) {
                String where = "layers[" + i++ + "]";
                Digest d = descriptor(layer, where);
                JsonNode urls = layer.get("urls");
                boolean external = urls != null && urls.isArray() && !urls.isEmpty();
                dependencies.add(new Dependency(d, false, external, layer.get("size").asLong(), where));
            }
        }
        if (type.equals(MediaType.DOCKER_MANIFEST) || type.equals(MediaType.DOCKER_MANIFEST_LIST)) {
            artifactType = Optional.empty(); // Docker types have no artifactType; referrers need OCI types
        }
        Optional<Digest> subject = Optional.empty();
        JsonNode subjectNode = root.get("subject");
        if (subjectNode != null && !subjectNode.isNull()) {
            subject = Optional.of(descriptor(subjectNode, "subject"));
        }
        Set<Digest> references = new LinkedHashSet<>();
        Set<Digest> external = new LinkedHashSet<>();
        dependencies.forEach(d -> {
            references.add(d.digest());
            if (d.external()) {
                external.add(d.digest());
            }
        });
        dependencies.forEach(d -> {
            if (!d.external()) {
                external.remove(d.digest()); // also listed as a required descriptor
            }
        });
        PushedManifest manifest = new PushedManifest(new Manifest(digest, type, content), references, subject,
                artifactType, annotations(root), external);
        return new Parsed(manifest, dependencies);
    }

    private static Digest descriptor(JsonNode node, String where) {
        if (!node.isObject()) {
            throw invalid(where + " must be a descriptor object");
        }
        JsonNode mediaType = node.get("mediaType");
        if (mediaType == null || !mediaType.isTextual()) {
            throw invalid(where + " needs a mediaType");
        }
        mediaType(mediaType.asText());
        JsonNode size = node.get("size");
        if (size == null || !size.isIntegralNumber() || size.asLong() < 0) {
            throw invalid(where + " needs a non-negative integer size");
        }
        JsonNode digest = node.get("digest");
        if (digest == null || !digest.isTextual()) {
            throw invalid(where + " needs a digest");
        }
        try {
            return Digest.parse(digest.asText());
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, where + ": " + e.getMessage());
        }
    }

    private static Map<String, String> annotations(JsonNode root) {
        JsonNode node = root.get("annotations");
        Map<String, String> result = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return result;
        }
        if (!node.isObject()) {
            throw invalid("annotations must be an object of strings");
        }
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw invalid("annotation " + e.getKey() + " must be a string");
            }
            result.put(e.getKey(), e.getValue().asText());
        });
        return result;
    }

    private static JsonNode requireArray(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || !node.isArray()) {
            throw invalid("manifest needs a " + field + " array");
        }
        return node;
    }

    private static Optional<String> optionalText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw invalid(field + " must be a string");
        }
        return Optional.of(node.asText());
    }

    private static MediaType mediaType(String value) {
        try {
            return MediaType.parse(value);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private static RegistryException invalid(String message) {
        return new RegistryException(ErrorCode.MANIFEST_INVALID, message);
    }
}
