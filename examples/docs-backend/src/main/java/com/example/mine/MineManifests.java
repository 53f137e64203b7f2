// SPDX-License-Identifier: Apache-2.0
package com.example.mine;

import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Page;
import dev.berth.registry.spi.PushedManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Manifests and tags: journal records, answered from the state they replay into. */
final class MineManifests implements ManifestHandler {
    private final MineStore store;

    MineManifests(MineStore store) {
        this.store = store;
    }

    private State.Repo repo(Repository name) throws NotFoundException {
        return store.state.repo(name).orElseThrow(() -> new NotFoundException("repository " + name + " is not known"));
    }

    private State.Stored stored(Repository repo, Digest digest) throws NotFoundException {
        State.Stored stored = repo(repo).manifests.get(digest);
        if (stored == null) {
            throw new NotFoundException("manifest " + digest + " is not in " + repo);
        }
        return stored;
    }

    @Override
    public Manifest get(Repository repo, Digest digest) throws IOException {
        synchronized (store) {
            return stored(repo, digest).manifest();
        }
    }

    @Override
    public Digest resolve(Repository repo, Tag tag) throws IOException {
        synchronized (store) {
            Digest digest = repo(repo).tags.get(tag);
            if (digest == null) {
                throw new NotFoundException("tag " + tag + " is not in " + repo);
            }
            return digest;
        }
    }

    @Override
    public void put(Repository repo, PushedManifest manifest, Set<Tag> tags) throws IOException {
        List<Object> fields = new ArrayList<>(List.of(repo.name(), manifest.digest().toString(),
                manifest.mediaType().value(), manifest.content()));
        fields.add(manifest.subject().map(Digest::toString).orElse(null));
        fields.add(manifest.artifactType().orElse(null));
        for (Map.Entry<String, String> annotation : manifest.annotations().entrySet()) {
            fields.add(annotation.getKey());
            fields.add(annotation.getValue());
        }
        List<List<String>> records = new ArrayList<>(List.of(Journal.record("M", fields.toArray())));
        for (Tag tag : tags) { // after the manifest: a tag never points at what cannot be read
            records.add(Journal.record("T", repo.name(), tag.value(), manifest.digest().toString()));
        }
        store.write(records);
    }

    @Override
    public void delete(Repository repo, Digest digest) throws IOException {
        synchronized (store) {
            stored(repo, digest);
            store.write(List.of(Journal.record("D", repo.name(), digest.toString())));
        }
    }

    @Override
    public void untag(Repository repo, Tag tag) throws IOException {
        synchronized (store) {
            resolve(repo, tag);
            store.write(List.of(Journal.record("U", repo.name(), tag.value())));
        }
    }

    @Override
    public Page<Tag> tags(Repository repo, Optional<Tag> after, int limit) throws IOException {
        synchronized (store) {
            var tags = repo(repo).tags;
            return Page.of(new ArrayList<>((after.isEmpty() ? tags : tags.tailMap(after.get(), false)).keySet()), limit);
        }
    }

    @Override
    public Page<Repository> repositories(Optional<Repository> after, int limit) {
        synchronized (store) {
            var repos = after.isEmpty() ? store.state.repos : store.state.repos.tailMap(after.get(), false);
            return Page.of(repos.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey)
                    .toList(), limit);
        }
    }

    @Override
    public List<Descriptor> referrers(Repository repo, Digest subject) {
        synchronized (store) {
            return store.state.repo(repo).map(r -> r.manifests.values().stream()
                    .filter(m -> m.subject().equals(Optional.of(subject))).map(State.Stored::descriptor).toList())
                    .orElse(List.of());
        }
    }
}
