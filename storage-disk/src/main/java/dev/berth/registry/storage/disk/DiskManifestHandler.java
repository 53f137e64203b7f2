// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Page;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Manifests as content plus a facts file per repository; tags as files holding a digest,
 * replaced by atomic rename (concurrent pushes of one tag: the last rename wins, whole).
 */
final class DiskManifestHandler implements ManifestHandler {
    /** Manifests kept in memory, at most this many bytes: reads of hot tags touch no file. */
    private static final long CACHE_BYTES = 64L * 1024 * 1024;

    private final Layout layout;
    private final DiskBlobHandler blobs;
    /**
     * Tags kept in memory, at most about this many over all repositories (a few hundred bytes
     * each): a registry with millions of tags must not fill the heap with them.
     */
    static final int TAG_CACHE_ENTRIES = 100_000;

    /** Tags known per repository; changed only under the tag's lock, after the file. */
    private final Map<Repository, Map<Tag, Digest>> tagCache = new ConcurrentHashMap<>();
    private final int maxCachedTags;
    /** Entries in tagCache, approximately (a put racing a clear may be miscounted). */
    private final AtomicLong cachedTags = new AtomicLong();
    private final ReentrantLock[] tagLocks = new ReentrantLock[256];
    /** Manifests by repository and digest; filled and emptied under the digest's lock. */
    private final Map<String, Manifest> manifestCache = new ConcurrentHashMap<>();
    private final AtomicLong cachedBytes = new AtomicLong();

    private final Claims claims;
    /** gc-superset: what manifest puts in progress hold, by put. */
    private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong puts = new AtomicLong();

    private record InFlight(Repository repo, Set<Digest> digests) {
    }

    DiskManifestHandler(Layout layout, DiskBlobHandler blobs, Claims claims, int maxCachedTags) {
        this.layout = layout;
        this.maxCachedTags = maxCachedTags;
        this.blobs = blobs;
        this.claims = claims;
        for (int i = 0; i < tagLocks.length; i++) {
            tagLocks[i] = new ReentrantLock();
        }
    }

    private ReentrantLock tagLock(Repository repo, Tag tag) {
        return tagLocks[Math.floorMod(31 * repo.hashCode() + tag.hashCode(), tagLocks.length)];
    }

    /** Call with the tag's lock held, after the tag file changed. */
    private void cacheTag(Repository repo, Tag tag, Digest digest) {
        Map<Tag, Digest> known = tagCache.computeIfAbsent(repo, r -> new ConcurrentHashMap<>());
        if (known.put(tag, digest) == null && cachedTags.incrementAndGet() > maxCachedTags) {
            // crude but safe, like the manifest cache: every miss reads the tag file again
            tagCache.clear();
            cachedTags.set(0);
        }
    }

    /** Call with the tag's lock held, after the tag file changed. */
    private void uncacheTag(Repository repo, Tag tag) {
        Map<Tag, Digest> known = tagCache.get(repo);
        if (known != null && known.remove(tag) != null) {
            cachedTags.decrementAndGet();
        }
    }

    /** Tags held in memory now (for tests of the bound). */
    long cachedTagCount() {
        return tagCache.values().stream().mapToLong(Map::size).sum();
    }

    /** Repositories with a tag map in memory now (for tests). */
    int cachedTagRepositories() {
        return tagCache.size();
    }

    private static String key(Repository repo, Digest digest) {
        return repo.name() + "@" + digest;
    }

    @Override
    public Manifest get(Repository repo, Digest digest) throws IOException {
        Manifest cached = manifestCache.get(key(repo, digest));
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
            Manifest manifest = Manifest.stored(digest, facts.mediaType(), content);
            remember(repo, manifest);
            return manifest;
        } finally {
            lock.unlock();
        }
    }

    /** Caches a manifest; call with its digest's lock held. */
    private void remember(Repository repo, Manifest manifest) {
        if (cachedBytes.addAndGet(manifest.content().length) > CACHE_BYTES) {
            manifestCache.clear(); // crude but safe: everything is re-read from disk on demand
            cachedBytes.set(manifest.content().length);
        }
        manifestCache.put(key(repo, manifest.digest()), manifest);
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
        Map<Tag, Digest> known = tagCache.get(repo); // a miss creates nothing: probes cost no memory
        Digest cached = known == null ? null : known.get(tag);
        if (cached != null) {
            return cached;
        }
        ReentrantLock lock = tagLock(repo, tag);
        lock.lock();
        try {
            Digest digest = readTag(repo, tag);
            cacheTag(repo, tag, digest);
            return digest;
        } finally {
            lock.unlock();
        }
    }

    private Digest readTag(Repository repo, Tag tag) throws IOException {
        Path file = layout.tag(repo, tag);
        try {
            return Digest.parse(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (NoSuchFileException e) {
            throw new NotFoundException("tag " + tag + " is not in " + repo);
        } catch (IllegalArgumentException e) {
            throw new IOException("tag file " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    @Override
    public void put(Repository repo, Manifest manifest, Set<Tag> tags) throws IOException {
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
        if (!manifestCache.containsKey(key(repo, digest)) && !Files.exists(file)) {
            blobs.retain(repo, digest);
        }
    }

    private void store(Repository repo, Manifest manifest, Set<Tag> tags) throws IOException {
        Digest digest = manifest.digest();
        ReentrantLock lock = blobs.locks().of(digest);
        lock.lock();
        try { // the manifest, then its referrers entry, then tags: nothing points at what is not there
            Manifest stored = manifestCache.get(key(repo, digest));
            if (stored != null && stored.mediaType().equals(manifest.mediaType())
                    && java.util.Arrays.equals(stored.content(), manifest.content())) {
                // pushed again (a new tag for the same image): the file is durable and was verified
                // when cached, so only its age is refreshed (gc-rescue), not its bytes: two fsyncs saved
                claims.clear(Claims.manifest(repo, digest));
                DiskBlobHandler.refresh(layout.manifest(repo, digest));
            } else {
                Durable.write(layout.tmp(), layout.manifest(repo, digest), Facts.encodeWithContent(manifest));
                claims.clear(Claims.manifest(repo, digest)); // gc-rescue: a new file, a new version
                remember(repo, Manifest.stored(digest, manifest.mediaType(), manifest.content()));
            }
        } finally {
            lock.unlock();
        }
        if (manifest.subject().isPresent()) {
            Durable.touch(layout.referrer(repo, manifest.subject().get(), digest));
        }
        byte[] target = digest.toString().getBytes(StandardCharsets.US_ASCII);
        for (Tag tag : tags) {
            ReentrantLock tagLock = tagLock(repo, tag);
            tagLock.lock();
            try {
                Durable.write(layout.tmp(), layout.tag(repo, tag), target);
                cacheTag(repo, tag, digest);
            } finally {
                tagLock.unlock();
            }
        }
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
        for (Tag tag : allTags(repo)) {
            ReentrantLock tagLock = tagLock(repo, tag);
            tagLock.lock();
            try {
                if (readTag(repo, tag).equals(digest)) {
                    Durable.delete(layout.tag(repo, tag));
                    uncacheTag(repo, tag);
                }
            } catch (NotFoundException e) {
                // removed concurrently
            } finally {
                tagLock.unlock();
            }
        }
        manifestCache.remove(key(repo, digest));
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

    /** Every manifest file of {@code repo} with its facts and modification time. */
    Map<Digest, Facts> allFacts(Repository repo, Map<Digest, java.nio.file.attribute.FileTime> modified)
            throws IOException {
        Map<Digest, Facts> all = new java.util.HashMap<>();
        try (DirectoryStream<Path> algorithms = Files.newDirectoryStream(layout.manifests(repo))) {
            for (Path algorithm : algorithms) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(algorithm)) {
                    for (Path file : files) {
                        Digest digest = Digest.parse(algorithm.getFileName() + ":" + file.getFileName());
                        try {
                            modified.put(digest, Files.getLastModifiedTime(file));
                            all.put(digest, Facts.decodeHeader(Files.readAllBytes(file), file.toString()));
                        } catch (NoSuchFileException e) {
                            modified.remove(digest); // deleted while listing
                        }
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return all;
        }
        return all;
    }

    /** The tags of {@code repo} by the digest they point at. */
    Map<Digest, Set<Tag>> tagsByDigest(Repository repo) throws IOException {
        Map<Digest, Set<Tag>> result = new java.util.HashMap<>();
        for (Tag tag : allTags(repo)) {
            try {
                result.computeIfAbsent(readTag(repo, tag), d -> new java.util.HashSet<>()).add(tag);
            } catch (NotFoundException e) {
                // untagged while listing
            }
        }
        return result;
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
        ReentrantLock lock = tagLock(repo, tag);
        lock.lock();
        try {
            uncacheTag(repo, tag);
            if (!Durable.delete(layout.tag(repo, tag))) {
                throw new NotFoundException("tag " + tag + " is not in " + repo);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Page<Tag> tags(Repository repo, Optional<Tag> after, int limit) throws IOException {
        Path dir = layout.repository(repo);
        if (!Repositories.hasEntries(dir.resolve("_manifests")) && !Repositories.hasEntries(dir.resolve("_blobs"))
                && !Files.isDirectory(layout.tags(repo))) {
            throw new NotFoundException("repository " + repo + " is not known");
        }
        TreeSet<Tag> all = allTags(repo);
        Set<Tag> view = after.isPresent() ? all.tailSet(after.get(), false) : all;
        return Page.of(view.stream().limit(limit + 1L).toList(), limit);
    }

    private TreeSet<Tag> allTags(Repository repo) throws IOException {
        TreeSet<Tag> tags = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(layout.tags(repo))) {
            for (Path f : files) {
                tags.add(new Tag(f.getFileName().toString()));
            }
        } catch (NoSuchFileException e) {
            // no tags yet
        }
        return tags;
    }

    @Override
    public Page<Repository> repositories(Optional<Repository> after, int limit) throws IOException {
        List<Repository> all = Repositories.list(layout);
        List<Repository> view = after.isEmpty() ? all
                : all.stream().filter(r -> r.compareTo(after.get()) > 0).toList();
        return Page.of(view.subList(0, Math.min(view.size(), limit + 1)), limit);
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
