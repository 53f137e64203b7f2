// SPDX-License-Identifier: Apache-2.0
package com.example.mine;

import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.Manifest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the journal says, in memory: per repository its blobs, manifests and tags. Records are
 * applied in journal order, at open and after each append; callers hold the state's lock.
 */
final class State {
    /** A manifest with what the referrers API lists of it. */
    record Stored(Manifest manifest, Optional<Digest> subject, Optional<String> artifactType,
                  Map<String, String> annotations) {
        Descriptor descriptor() {
            return new Descriptor(manifest.mediaType(), manifest.digest(), manifest.content().length, artifactType,
                    annotations);
        }
    }

    static final class Repo {
        final Set<Digest> blobs = new HashSet<>();
        final Map<Digest, Stored> manifests = new HashMap<>();
        final TreeMap<Tag, Digest> tags = new TreeMap<>();

        boolean isEmpty() {
            return blobs.isEmpty() && manifests.isEmpty() && tags.isEmpty();
        }
    }

    final TreeMap<Repository, Repo> repos = new TreeMap<>();

    Optional<Repo> repo(Repository name) {
        return Optional.ofNullable(repos.get(name)).filter(r -> !r.isEmpty());
    }

    void apply(List<String> record) {
        Repository name = new Repository(Journal.text(record.get(1)));
        Repo repo = repos.computeIfAbsent(name, n -> new Repo());
        switch (record.get(0)) {
            case "B" -> repo.blobs.add(digest(record.get(2)));
            case "M" -> {
                Digest digest = digest(record.get(2));
                Manifest manifest = new Manifest(digest, new MediaType(Journal.text(record.get(3))),
                        Journal.bytes(record.get(4)));
                Map<String, String> annotations = new LinkedHashMap<>();
                for (int i = 7; i + 1 < record.size(); i += 2) {
                    annotations.put(Journal.text(record.get(i)), Journal.text(record.get(i + 1)));
                }
                repo.manifests.put(digest, new Stored(manifest, optional(record.get(5)).map(Digest::parse),
                        optional(record.get(6)), annotations));
            }
            case "T" -> repo.tags.put(new Tag(Journal.text(record.get(2))), digest(record.get(3)));
            case "U" -> repo.tags.remove(new Tag(Journal.text(record.get(2))));
            case "D" -> {
                Digest digest = digest(record.get(2));
                repo.manifests.remove(digest);
                repo.tags.values().removeIf(digest::equals);
            }
            default -> throw new IllegalStateException("journal record of unknown type " + record.get(0));
        }
    }

    private static Digest digest(String field) {
        return Digest.parse(Journal.text(field));
    }

    private static Optional<String> optional(String field) {
        return field.equals(Journal.NONE) ? Optional.empty() : Optional.of(Journal.text(field));
    }
}
