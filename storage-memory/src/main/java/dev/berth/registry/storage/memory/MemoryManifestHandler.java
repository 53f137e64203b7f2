// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.memory;

import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.PushedManifest;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Page;
import dev.berth.registry.spi.TagClaimHandler;
import dev.berth.registry.spi.TagPullsHandler;
import java.io.IOException;
import dev.berth.registry.spi.gc.CollectionHandler.Item;
import dev.berth.registry.spi.gc.CollectionHandler.Kind;
import dev.berth.registry.spi.gc.CollectionHandler.State;
import dev.berth.registry.spi.gc.CollectionHandler.StoredManifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** Manifests, tags and referrers per repository, guarded by the repository's monitor. */
final class MemoryManifestHandler implements TagClaimHandler, TagPullsHandler {
    private static final class RepoState {
        final Map<Digest, PushedManifest> manifests = new ConcurrentHashMap<>();
        final NavigableMap<Tag, Digest> tags = new ConcurrentSkipListMap<>();
        final Map<Digest, Map<Digest, Descriptor>> referrers = new ConcurrentHashMap<>();
        final Map<Digest, Life> lives = new ConcurrentHashMap<>();
        final Map<Tag, java.time.Instant> pulls = new ConcurrentHashMap<>();
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
        PushedManifest m = state == null ? null : state.manifests.get(digest);
        if (m == null) {
            throw new NotFoundException("manifest " + digest + " is not in " + repo);
        }
        return m.manifest();
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

    /**
     * The whole put holds the repository's monitor, which {@link #references} also takes: a
     * collector sees either nothing of it or all of it, so no separate in-progress record is needed.
     */
    @Override
    public void put(Repository repo, PushedManifest manifest, Set<Tag> tags) throws NotFoundException {
        RepoState state = state(repo);
        synchronized (state) {
            for (Digest required : manifest.required()) { // manifest-put-5
                Life child = state.lives.get(required);
                if (child != null) {
                    child.use();
                } else {
                    blobs.retain(repo, required);
                }
            }
            state.lives.computeIfAbsent(manifest.digest(), d -> new Life()).use();
            state.manifests.put(manifest.digest(), manifest);
            manifest.subject().ifPresent(s -> state.referrers.computeIfAbsent(s, k -> new ConcurrentHashMap<>())
                    .put(manifest.digest(), manifest.asReferrer()));
            tags.forEach(t -> state.tags.put(t, manifest.digest()));
        }
    }

    @Override
    public Digest claim(Repository repo, Tag tag, Digest digest) throws NotFoundException {
        RepoState state = repos.get(repo);
        if (state == null) {
            throw new NotFoundException("manifest " + digest + " is not in " + repo);
        }
        synchronized (state) { // tag-claim-4: a delete of the manifest cannot slip in between
            if (!state.manifests.containsKey(digest)) {
                throw new NotFoundException("manifest " + digest + " is not in " + repo);
            }
            Digest current = state.tags.putIfAbsent(tag, digest);
            return current == null ? digest : current;
        }
    }

    @Override
    public void recordPull(Repository repo, Tag tag, java.time.Instant at) {
        state(repo).pulls.merge(tag, at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                (a, b) -> a.isAfter(b) ? a : b); // pulls-1: the latest wins
    }

    @Override
    public Map<Tag, java.time.Instant> pulls(Repository repo) {
        RepoState state = repos.get(repo);
        return state == null ? Map.of() : Map.copyOf(state.pulls);
    }

    @Override
    public boolean untag(Repository repo, Tag tag, Digest expected) {
        RepoState state = repos.get(repo);
        return state != null && state.tags.remove(tag, expected); // tag-claim-5: one atomic compare-and-remove
    }

    @Override
    public void delete(Repository repo, Digest digest) throws IOException {
        RepoState state = repos.get(repo);
        if (state == null) {
            throw new NotFoundException("manifest " + digest + " is not in " + repo);
        }
        synchronized (state) {
            if (!remove(state, digest)) {
                throw new NotFoundException("manifest " + digest + " is not in " + repo);
            }
        }
    }

    /** Removes a manifest, its tags and its referrers entry; call holding the state's monitor. */
    private static boolean remove(RepoState state, Digest digest) {
        PushedManifest removed = state.manifests.remove(digest);
        if (removed == null) {
            return false;
        }
        state.lives.remove(digest);
        state.tags.values().removeIf(digest::equals);
        removed.subject().ifPresent(s -> {
            Map<Digest, Descriptor> list = state.referrers.get(s);
            if (list != null) {
                list.remove(digest);
            }
        });
        return true;
    }

    List<StoredManifest> items(Repository repo) {
        RepoState state = repos.get(repo);
        if (state == null) {
            return List.of();
        }
        synchronized (state) {
            Map<Digest, Set<Tag>> tagsOf = new HashMap<>();
            state.tags.forEach((t, d) -> tagsOf.computeIfAbsent(d, k -> new HashSet<>()).add(t));
            List<StoredManifest> result = new ArrayList<>();
            state.manifests.forEach((digest, m) -> result.add(new StoredManifest(
                    state.lives.get(digest).item(Kind.MANIFEST, digest, m.content().length), m.references(),
                    m.subject(), tagsOf.getOrDefault(digest, Set.of()))));
            return result;
        }
    }

    Set<Digest> references(Repository repo) {
        RepoState state = repos.get(repo);
        if (state == null) {
            return Set.of();
        }
        synchronized (state) {
            Set<Digest> all = new HashSet<>();
            state.manifests.values().forEach(m -> all.addAll(m.references()));
            return all;
        }
    }

    Optional<Item> claim(Repository repo, Item seen) {
        RepoState state = repos.get(repo);
        if (state == null) {
            return Optional.empty();
        }
        synchronized (state) {
            Life life = state.lives.get(seen.digest());
            if (life == null || !life.matches(seen)) {
                return Optional.empty();
            }
            life.claim();
            return Optional.of(life.item(Kind.MANIFEST, seen.digest(), seen.size()));
        }
    }

    void release(Repository repo, Item claimed) {
        RepoState state = repos.get(repo);
        if (state != null) {
            synchronized (state) {
                Life life = state.lives.get(claimed.digest());
                if (life != null && life.matches(claimed)) {
                    life.release();
                }
            }
        }
    }

    OptionalLong sweep(Repository repo, Item claimed) {
        RepoState state = repos.get(repo);
        if (state == null) {
            return OptionalLong.empty();
        }
        synchronized (state) {
            Life life = state.lives.get(claimed.digest());
            if (life == null || !life.matches(claimed) || life.state != State.COLLECTING) {
                return OptionalLong.empty();
            }
            remove(state, claimed.digest());
            return OptionalLong.of(claimed.size());
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
