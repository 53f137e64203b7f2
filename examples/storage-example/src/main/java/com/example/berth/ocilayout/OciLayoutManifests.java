// SPDX-License-Identifier: Apache-2.0
package com.example.berth.ocilayout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.PushedManifest;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Page;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Manifests live in each layout's {@code index.json}: one plain entry per manifest, plus one
 * entry per tag carrying {@code org.opencontainers.image.ref.name}, as the image-spec's layout
 * names tags. One monitor serialises index updates (this backend runs in one process).
 */
final class OciLayoutManifests implements ManifestHandler {
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    /** On a manifest's plain entry: the subject core read from it, for the referrers API. */
    static final String SUBJECT = "com.example.berth.subject";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OciLayoutBlobs files;

    OciLayoutManifests(OciLayoutBlobs files) {
        this.files = files;
    }

    private Path indexFile(Repository repo) {
        return files.layout(repo).resolve("index.json");
    }

    private ArrayNode entries(Repository repo) throws IOException {
        Path file = indexFile(repo);
        if (!Files.exists(file)) {
            return JSON.createArrayNode();
        }
        return (ArrayNode) JSON.readTree(file.toFile()).get("manifests");
    }

    private void save(Repository repo, ArrayNode entries) throws IOException {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaType.OCI_INDEX.value());
        index.set("manifests", entries);
        files.ensureLayout(repo);
        files.publish(files.writeTmp(JSON.writeValueAsBytes(index)), indexFile(repo));
    }

    private static Optional<String> refName(JsonNode entry) {
        JsonNode annotations = entry.get("annotations");
        return annotations == null || annotations.get(REF_NAME) == null
                ? Optional.empty() : Optional.of(annotations.get(REF_NAME).asText());
    }

    @Override
    public synchronized Manifest get(Repository repo, Digest digest) throws IOException {
        for (JsonNode entry : entries(repo)) {
            if (entry.get("digest").asText().equals(digest.toString())) {
                byte[] content = Files.readAllBytes(files.blob(repo, digest));
                return new Manifest(digest, new MediaType(entry.get("mediaType").asText()), content);
            }
        }
        throw new NotFoundException("manifest " + digest + " is not in layout " + repo);
    }

    @Override
    public synchronized Digest resolve(Repository repo, Tag tag) throws IOException {
        for (JsonNode entry : entries(repo)) {
            if (refName(entry).equals(Optional.of(tag.value()))) {
                return Digest.parse(entry.get("digest").asText());
            }
        }
        throw new NotFoundException("tag " + tag + " is not in layout " + repo);
    }

    @Override
    public synchronized void put(Repository repo, PushedManifest manifest, Set<Tag> tags) throws IOException {
        files.ensureLayout(repo);
        files.publish(files.writeTmp(manifest.content()), files.blob(repo, manifest.digest()));
        ArrayNode entries = entries(repo);
        boolean known = false;
        for (Iterator<JsonNode> it = entries.iterator(); it.hasNext(); ) {
            JsonNode entry = it.next();
            Optional<String> name = refName(entry);
            known |= name.isEmpty() && entry.get("digest").asText().equals(manifest.digest().toString());
            if (name.isPresent() && tags.contains(new Tag(name.get()))) {
                it.remove(); // the tag moves
            }
        }
        if (!known) {
            entries.add(entry(manifest, Optional.empty()));
        }
        for (Tag tag : tags) {
            entries.add(entry(manifest, Optional.of(tag.value())));
        }
        save(repo, entries);
    }

    private static ObjectNode entry(PushedManifest manifest, Optional<String> tag) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("mediaType", manifest.mediaType().value());
        entry.put("digest", manifest.digest().toString());
        entry.put("size", manifest.content().length);
        if (tag.isPresent()) {
            entry.putObject("annotations").put(REF_NAME, tag.get());
            return entry;
        }
        manifest.artifactType().ifPresent(t -> entry.put("artifactType", t));
        if (!manifest.annotations().isEmpty() || manifest.subject().isPresent()) {
            ObjectNode annotations = entry.putObject("annotations");
            manifest.annotations().forEach(annotations::put);
            manifest.subject().ifPresent(s -> annotations.put(SUBJECT, s.toString()));
        }
        return entry;
    }

    @Override
    public synchronized void delete(Repository repo, Digest digest) throws IOException {
        ArrayNode entries = entries(repo);
        int before = entries.size();
        entries.removeIf(e -> e.get("digest").asText().equals(digest.toString()));
        if (entries.size() == before) {
            throw new NotFoundException("manifest " + digest + " is not in layout " + repo);
        }
        save(repo, entries);
    }

    @Override
    public synchronized void untag(Repository repo, Tag tag) throws IOException {
        ArrayNode entries = entries(repo);
        int before = entries.size();
        entries.removeIf(e -> refName(e).equals(Optional.of(tag.value())));
        if (entries.size() == before) {
            throw new NotFoundException("tag " + tag + " is not in layout " + repo);
        }
        save(repo, entries);
    }

    @Override
    public synchronized Page<Tag> tags(Repository repo, Optional<Tag> after, int limit) throws IOException {
        if (!Files.exists(files.layout(repo).resolve("oci-layout"))) {
            throw new NotFoundException("no layout for " + repo);
        }
        TreeSet<Tag> tags = new TreeSet<>();
        for (JsonNode entry : entries(repo)) {
            refName(entry).ifPresent(n -> tags.add(new Tag(n)));
        }
        Set<Tag> view = after.isPresent() ? tags.tailSet(after.get(), false) : tags;
        return Page.of(view.stream().limit(limit + 1L).toList(), limit);
    }

    @Override
    public Page<Repository> repositories(Optional<Repository> after, int limit) throws IOException {
        TreeSet<Repository> repos = new TreeSet<>();
        try (Stream<Path> markers = Files.walk(files.root)) {
            markers.filter(p -> p.getFileName().toString().equals("oci-layout"))
                    .map(p -> files.root.relativize(p.getParent()).toString())
                    .filter(name -> !name.startsWith("."))
                    .forEach(name -> repos.add(new Repository(name)));
        }
        Set<Repository> view = after.isPresent() ? repos.tailSet(after.get(), false) : repos;
        return Page.of(view.stream().limit(limit + 1L).toList(), limit);
    }

    @Override
    public synchronized List<Descriptor> referrers(Repository repo, Digest subject) throws IOException {
        List<Descriptor> result = new ArrayList<>();
        for (JsonNode entry : entries(repo)) {
            JsonNode annotations = entry.get("annotations");
            if (refName(entry).isPresent() || annotations == null
                    || !annotations.path(SUBJECT).asText().equals(subject.toString())) {
                continue;
            }
            Map<String, String> copied = new HashMap<>();
            annotations.fields().forEachRemaining(f -> copied.put(f.getKey(), f.getValue().asText()));
            copied.remove(SUBJECT);
            result.add(new Descriptor(new MediaType(entry.get("mediaType").asText()),
                    Digest.parse(entry.get("digest").asText()), entry.get("size").asLong(),
                    Optional.ofNullable(entry.get("artifactType")).map(JsonNode::asText), copied));
        }
        result.sort((x, y) -> x.digest().toString().compareTo(y.digest().toString()));
        return result;
    }
}
