// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.PushedManifest;
import dev.berth.registry.spi.TagClaimHandler;
import dev.berth.registry.spi.TagPullsHandler;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Page;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Manifests as content plus a facts header per repository, verified once as they enter a
 * bounded cache; tags are {@link DiskTags}.
 */
final class DiskManifestHandler implements TagClaimHandler, TagPullsHandler {
    /**
     * Manifests kept in memory, at most this many bytes: reads of hot tags touch no file. An
     * eighth of the heap, at most 64 MiB: a fixed 64 MiB filled a 64 MiB heap with a few dozen
     * large manifests and every request after failed.
     */
    private static final long CACHE_BYTES = Math.min(64L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 8);

    private record Key(Repository repo, Digest digest) {
    }

    private final Layout layout;
    private final DiskBlobHandler blobs;
    private final DiskTags tags;
    /** Filled and emptied under the digest's lock. */
    private final BoundedCache<Key, Manifest> cache = new BoundedCache<>(CACHE_BYTES, m -> m.content().length);

    private final Claims claims;
    /** gc-superset: what manifest puts in progress hold, by put. */
    private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong puts = new AtomicLong();
    /** Sorted names of large directories, for catalog and tags pages: about 16 MiB at most. */
    private final SortedListings listings = new SortedListings(250_000);

    private record InFlight(Repository repo, Set<Digest> digests) {
    }

    DiskManifestHandler(Layout layout, DiskBlobHandler blobs, Claims claims, int maxCachedTags) {
        this.layout = layout;
        this.blobs = blobs;
        this.tags = new DiskTags(layout, maxCachedTags, listings);
        this.claims = claims;
    }

    /** Tags held in memory now (for tests of the bound). */
    long cachedTagCount() {
        return tags.cached();
    }

    @Override
    public Manifest get(Repository repo, Digest digest) throws IOException {
        Manifest cached = cache.get(new Key(repo, digest));
        if (cached != null) {
            return cached;
        }
        ReentrantLock lock = blobs.locks().of(digest);
        lock.lock();
        try {
            Path path = layout.manifest(repo, digest);
            byte[] file;
            try {
                file = Files.readAllBytes(path);
            } catch (NoSuchFileException e) {
                throw new NotFoundException("manifest " + digest + " is not in " + repo);
            }
            int offset = Facts.contentOffset(file, path.toString());
            Facts facts = Facts.decode(java.util.Arrays.copyOf(file, offset - 1), path.toString());
            byte[] content = java.util.Arrays.copyOfRange(file, offset, file.length);
            if (!Digest.of(digest.algorithm(), content).equals(digest)) { // checked once, as it enters the cache
                throw new IOException("manifest file " + path + " does not hash to " + digest
                        + ": it is corrupt (bit rot or tampering); push the manifest again");
            }
            Manifest manifest = new Manifest(digest, facts.mediaType(), content);
            cache.put(new Key(repo, digest), manifest);
            return manifest;
        } finally {
            lock.unlock();
        }
    }

    private Facts facts(Repository repo, Digest digest) throws IOException {
        Path file = layout.manifest(repo, digest);
        try {
            return Facts.decodeHeader(Files.readAllBytes(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new NotFoundException("manifest " + digest + " is not in " + repo);
        }
    }

    @Override
    public Digest resolve(Repository repo, Tag tag) throws IOException {
        return tags.resolve(repo, tag);
    }

    @Override
    public void put(Repository repo, PushedManifest manifest, Set<Tag> tags) throws IOException {
        Set<Digest> inUse = new java.util.HashSet<>(manifest.references());
        inUse.add(manifest.digest());
        long put = puts.incrementAndGet();
        inFlight.put(put, new InFlight(repo, inUse)); // manifest-put-5: recorded before anything is checked
        try {
            for (Digest required : manifest.required()) {
                retain(repo, required);
            }
            store(repo, manifest, tags);
        } finally {
            inFlight.remove(put);
        }
    }

    /** gc-rescue of a reference: a child manifest of {@code repo}, else a blob of it (or NotFound). */
    private void retain(Repository repo, Digest digest) throws IOException {
        Path file = layout.manifest(repo, digest);
        blobs.rescue(Claims.manifest(repo, digest), file);
        if (!cache.contains(new Key(repo, digest)) && !Files.exists(file)) {
            blobs.retain(repo, digest);
        }
    }

    private void store(Repository repo, PushedManifest manifest, Set<Tag> tagged) throws IOException {
        Digest digest = manifest.digest();
        ReentrantLock lock = blobs.locks().of(digest);
        lock.lock();
        try { // the manifest, then its referrers entry, then tags: nothing points at what is not there
            Manifest stored = cache.get(new Key(repo, digest));
            if (stored != null && stored.mediaType().equals(manifest.mediaType())
                    && java.util.Arrays.equals(stored.content(), manifest.content())) {
                // pushed again (a new tag for the same image): the file is durable and was verified
                // when cached, so only its age is refreshed (gc-rescue), not its bytes: two fsyncs saved
                claims.clear(Claims.manifest(repo, digest));
                DiskBlobHandler.refresh(layout.manifest(repo, digest));
            } else {
                Durable.write(layout.tmp(), layout.manifest(repo, digest), Facts.encodeWithContent(manifest));
                claims.clear(Claims.manifest(repo, digest)); // gc-rescue: a new file, a new version
                cache.put(new Key(repo, digest), manifest.manifest());
            }
        } finally {
            lock.unlock();
        }
        if (manifest.subject().isPresent()) {
            Durable.touch(layout.referrer(repo, manifest.subject().get(), digest));
        }
        for (Tag tag : tagged) {
            tags.point(repo, tag, digest);
        }
    }

    @Override
    public Digest claim(Repository repo, Tag tag, Digest digest) throws IOException {
        ReentrantLock lock = blobs.locks().of(digest);
        lock.lock();
        try { // tag-claim-4: a delete of the manifest holds this lock throughout
            if (!Files.exists(layout.manifest(repo, digest))) {
                throw new NotFoundException("manifest " + digest + " is not in " + repo);
            }
            return tags.claim(repo, tag, digest);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void recordPull(Repository repo, Tag tag, java.time.Instant at) throws IOException {
        tags.recordPull(repo, tag, at);
    }

    @Override
    public Map<Tag, java.time.Instant> pulls(Repository repo) throws IOException {
        return tags.pulls(repo);
    }

    @Override
    public boolean untag(Repository repo, Tag tag, Digest expected) throws IOException {
        return tags.untagIf(repo, tag, expected);
    }

    @Override
    public void delete(Repository repo, Digest digest) throws IOException {
        ReentrantLock lock = blobs.locks().of(digest);
        lock.lock();
        try {
            removeLocked(repo, digest, facts(repo, digest));
        } finally {
            lock.unlock();
        }
    }

    /** Tags and referrers entry first, the file last: no name ever points at a missing manifest. */
    private void removeLocked(Repository repo, Digest digest, Facts facts) throws IOException {
        tags.untagAll(repo, digest);
        cache.remove(new Key(repo, digest));
        if (facts.subject().isPresent()) {
            Durable.delete(layout.referrer(repo, facts.subject().get(), digest));
        }
        Durable.delete(layout.manifest(repo, digest));
        claims.clear(Claims.manifest(repo, digest));
    }

    /** gc-sweep of a manifest: removed only if still claimed as {@code token}. */
    java.util.OptionalLong sweep(Repository repo, Digest digest, long token) throws IOException {
        ReentrantLock lock = blobs.locks().of(digest);
        lock.lock();
        try {
            Claims.Key key = Claims.manifest(repo, digest);
            if (!claims.holds(key, token)) {
                return java.util.OptionalLong.empty();
            }
            Facts facts;
            try {
                facts = facts(repo, digest);
            } catch (NotFoundException e) {
                claims.clear(key);
                return java.util.OptionalLong.of(0);
            }
            removeLocked(repo, digest, facts);
            return java.util.OptionalLong.of(facts.size());
        } finally {
            lock.unlock();
        }
    }

    /** The tags of {@code repo} by the digest they point at. */
    Map<Digest, Set<Tag>> tagsByDigest(Repository repo) throws IOException {
        return tags.byDigest(repo);
    }

    /** gc-superset: digests the manifest puts in progress in {@code repo} hold. */
    Set<Digest> inFlight(Repository repo) {
        Set<Digest> result = new java.util.HashSet<>();
        inFlight.values().forEach(f -> {
            if (f.repo().equals(repo)) {
                result.addAll(f.digests());
            }
        });
        return result;
    }

    @Override
    public void untag(Repository repo, Tag tag) throws IOException {
        tags.untag(repo, tag);
    }

    @Override
    public Page<Tag> tags(Repository repo, Optional<Tag> after, int limit) throws IOException {
        Path dir = layout.repository(repo);
        if (!Repositories.hasEntries(dir.resolve("_manifests")) && !Repositories.hasEntries(dir.resolve("_blobs"))
                && !Files.isDirectory(layout.tags(repo))) {
            throw new NotFoundException("repository " + repo + " is not known");
        }
        return tags.page(repo, after, limit);
    }

    @Override
    public Page<Repository> repositories(Optional<Repository> after, int limit) throws IOException {
        return Repositories.page(layout, listings, after, limit);
    }

    @Override
    public List<Descriptor> referrers(Repository repo, Digest subject) throws IOException {
        List<Descriptor> result = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.referrers(repo, subject))) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                Digest referrer = Digest.parse(name.replaceFirst("-", ":"));
                try {
                    result.add(facts(repo, referrer).descriptor(referrer));
                } catch (NotFoundException e) {
                    // deleted between listing and reading
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        result.sort((a, b) -> a.digest().toString().compareTo(b.digest().toString()));
        return result;
    }
}
