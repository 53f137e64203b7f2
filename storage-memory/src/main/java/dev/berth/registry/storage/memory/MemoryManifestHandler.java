// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.memory;

import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Page;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** Manifests, tags and referrers per repository, guarded by the repository's monitor. */
final class MemoryManifestHandler implements ManifestHandler {
    private static final class RepoState {
        final Map<Digest, Manifest> manifests = new ConcurrentHashMap<>();
        final NavigableMap<Tag, Digest> tags = new ConcurrentSkipListMap<>();
        final Map<Digest, Map<Digest, Descriptor>> referrers = new ConcurrentHashMap<>();
    }

    private final Map<Repository, RepoState> repos = new ConcurrentHashMap<>();
    private final MemoryBlobHandler blobs;

    MemoryManifestHandler(MemoryBlobHandler blobs) {
        this.blobs = blobs;
    }

    private RepoState state(Repository repo) {
        return repos.computeIfAbsent(repo, r -> new RepoState());
    }

    @Override
    public Manifest get(Repository repo, Digest digest) throws IOException {
        RepoState state = repos.get(repo);
        Manifest m = state == null ? null : state.manifests.get(digest);
        if (m == null) {
            throw new NotFoundException("manifest " + digest + " is not in " + repo);
        }
        return m;
    }

    @Override
    public Digest resolve(Repository repo, Tag tag) throws IOException {
        RepoState state = repos.get(repo);
        Digest d = state == null ? null : state.tags.get(tag);
        if (d == null) {
            throw new NotFoundException("tag " + tag + " is not in " + repo);
        }
        return d;
    }

    @Override
    public void put(Repository repo, Manifest manifest, Set<Tag> tags) {
        RepoState state = state(repo);
        synchronized (state) {
            state.manifests.put(manifest.digest(), manifest);
            manifest.subject().ifPresent(s -> state.referrers.computeIfAbsent(s, k -> new ConcurrentHashMap<>())
                    .put(manifest.digest(), manifest.asReferrer()));
            tags.forEach(t -> state.tags.put(t, manifest.digest()));
        }
    }

    @Override
    public void delete(Repository repo, Digest digest) throws IOException {
        RepoState state = repos.get(repo);
        if (state == null) {
            throw new NotFoundException("manifest " + digest + " is not in " + repo);
        }
        synchronized (state) {
            Manifest removed = state.manifests.remove(digest);
            if (removed == null) {
                throw new NotFoundException("manifest " + digest + " is not in " + repo);
            }
            state.tags.values().removeIf(digest::equals);
            removed.subject().ifPresent(s -> {
                Map<Digest, Descriptor> list = state.referrers.get(s);
                if (list != null) {
                    list.remove(digest);
                }
            });
        }
    }

    @Override
    public void untag(Repository repo, Tag tag) throws IOException {
        RepoState state = repos.get(repo);
        if (state == null || state.tags.remove(tag) == null) {
            throw new NotFoundException("tag " + tag + " is not in " + repo);
        }
    }

    @Override
    public Page<Tag> tags(Repository repo, Optional<Tag> after, int limit) throws IOException {
        RepoState state = repos.get(repo);
        if ((state == null || (state.manifests.isEmpty() && state.tags.isEmpty())) && !blobs.holdsAny(repo)) {
            throw new NotFoundException("repository " + repo + " is not known");
        }
        if (state == null) {
            return new Page<>(List.of(), false);
        }
        NavigableMap<Tag, Digest> view = after.isPresent() ? state.tags.tailMap(after.get(), false) : state.tags;
        return Page.of(new ArrayList<>(view.keySet()).subList(0, Math.min(view.size(), limit + 1)), limit);
    }

    @Override
    public Page<Repository> repositories(Optional<Repository> after, int limit) {
        TreeSet<Repository> all = new TreeSet<>();
        repos.forEach((r, s) -> {
            if (!s.manifests.isEmpty()) {
                all.add(r);
            }
        });
        blobs.repositories().stream().filter(blobs::holdsAny).forEach(all::add);
        Set<Repository> view = after.isPresent() ? all.tailSet(after.get(), false) : all;
        return Page.of(view.stream().limit(limit + 1L).toList(), limit);
    }

    @Override
    public List<Descriptor> referrers(Repository repo, Digest subject) {
        RepoState state = repos.get(repo);
        if (state == null) {
            return List.of();
        }
        Map<Digest, Descriptor> list = state.referrers.get(subject);
        if (list == null) {
            return List.of();
        }
        List<Descriptor> result = new ArrayList<>(list.values());
        result.sort((a, b) -> a.digest().toString().compareTo(b.digest().toString()));
        return result;
    }
}
