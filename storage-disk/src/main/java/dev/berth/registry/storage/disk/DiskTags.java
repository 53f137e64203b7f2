// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Page;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tags as files holding a digest, replaced by atomic rename (concurrent pushes of one tag: the
 * last rename wins, whole), with the resolved ones cached up to a bound.
 */
final class DiskTags {
    /**
     * Tags kept in memory, at most about this many over all repositories (a few hundred bytes
     * each): a registry with millions of tags must not fill the heap with them.
     */
    static final int CACHE_ENTRIES = 100_000;

    private record Key(Repository repo, Tag tag) {
    }

    private final Layout layout;
    private final SortedListings listings;
    /** Changed only under the tag's lock, after the file. */
    private final BoundedCache<Key, Digest> cache;
    private final ReentrantLock[] locks = new ReentrantLock[256];

    DiskTags(Layout layout, int cacheEntries, SortedListings listings) {
        this.layout = layout;
        this.listings = listings;
        this.cache = new BoundedCache<>(cacheEntries, digest -> 1);
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    private ReentrantLock lock(Repository repo, Tag tag) {
        return locks[Math.floorMod(31 * repo.hashCode() + tag.hashCode(), locks.length)];
    }

    /** Tags held in memory now (for tests of the bound). */
    int cached() {
        return cache.size();
    }

    /** tag-1, tag-2. */
    Digest resolve(Repository repo, Tag tag) throws IOException {
        Key key = new Key(repo, tag);
        Digest cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        ReentrantLock lock = lock(repo, tag);
        lock.lock();
        try {
            Digest digest = read(repo, tag); // a miss throws before anything is cached
            cache.put(key, digest);
            return digest;
        } finally {
            lock.unlock();
        }
    }

    private Digest read(Repository repo, Tag tag) throws IOException {
        Path file = layout.tag(repo, tag);
        try {
            return Digest.parse(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (NoSuchFileException e) {
            throw new NotFoundException("tag " + tag + " is not in " + repo);
        } catch (IllegalArgumentException e) {
            throw new IOException("tag file " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Points {@code tag} at {@code digest}, durably. */
    void point(Repository repo, Tag tag, Digest digest) throws IOException {
        ReentrantLock lock = lock(repo, tag);
        lock.lock();
        try {
            Durable.write(layout.tmp(), layout.tag(repo, tag), digest.toString().getBytes(StandardCharsets.US_ASCII));
            cache.put(new Key(repo, tag), digest);
        } finally {
            lock.unlock();
        }
    }

    /**
     * tag-claim-1…3: points {@code tag} at {@code digest} unless it points somewhere; returns
     * what it points at then. One process owns the directory, so the tag's lock makes it atomic.
     */
    Digest claim(Repository repo, Tag tag, Digest digest) throws IOException {
        ReentrantLock lock = lock(repo, tag);
        lock.lock();
        try {
            try {
                return read(repo, tag);
            } catch (NotFoundException e) {
                point(repo, tag, digest); // reentrant: the lock is held already
                return digest;
            }
        } finally {
            lock.unlock();
        }
    }

    /** tag-claim-5: removes {@code tag} while it points at {@code expected}, under the tag's lock. */
    boolean untagIf(Repository repo, Tag tag, Digest expected) throws IOException {
        ReentrantLock lock = lock(repo, tag);
        lock.lock();
        try {
            if (!read(repo, tag).equals(expected)) {
                return false;
            }
            cache.remove(new Key(repo, tag));
            return Durable.delete(layout.tag(repo, tag));
        } catch (NotFoundException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** pulls-1: writes {@code at} unless a later pull is recorded; under the tag's lock (one process owns the directory). */
    void recordPull(Repository repo, Tag tag, java.time.Instant at) throws IOException {
        ReentrantLock lock = lock(repo, tag);
        lock.lock();
        try {
            Path file = layout.pull(repo, tag);
            long millis = at.toEpochMilli();
            try {
                if (Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).trim()) >= millis) {
                    return;
                }
            } catch (NoSuchFileException | NumberFormatException e) {
                // none yet, or unreadable: written now
            }
            Durable.write(layout.tmp(), file, Long.toString(millis).getBytes(StandardCharsets.US_ASCII));
        } finally {
            lock.unlock();
        }
    }

    /** pulls-3: every recorded pull of {@code repo}. */
    Map<Tag, java.time.Instant> pulls(Repository repo) throws IOException {
        Map<Tag, java.time.Instant> pulls = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(layout.pull(repo, new Tag("x")).getParent())) {
            for (Path f : files) {
                try {
                    pulls.put(new Tag(f.getFileName().toString()), java.time.Instant.ofEpochMilli(
                            Long.parseLong(Files.readString(f, StandardCharsets.US_ASCII).trim())));
                } catch (NoSuchFileException | IllegalArgumentException e) {
                    // replaced while listing, or not one of ours (a temporary name): skipped
                }
            }
        } catch (NoSuchFileException e) {
            return Map.of();
        }
        return pulls;
    }

    /** tag-delete-1, tag-delete-2. */
    void untag(Repository repo, Tag tag) throws IOException {
        ReentrantLock lock = lock(repo, tag);
        lock.lock();
        try {
            cache.remove(new Key(repo, tag));
            if (!Durable.delete(layout.tag(repo, tag))) {
                throw new NotFoundException("tag " + tag + " is not in " + repo);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes every tag of {@code repo} that points at {@code digest}. Tags are compared through
     * the cache (which this fills), so in a repository with 100,000 tags only the first delete
     * after a start reads 100,000 files; only a tag that matches is locked and read again.
     */
    void untagAll(Repository repo, Digest digest) throws IOException {
        for (Tag tag : names(repo)) {
            if (!digest.equals(current(repo, tag))) {
                continue;
            }
            ReentrantLock lock = lock(repo, tag);
            lock.lock();
            try {
                if (read(repo, tag).equals(digest)) {
                    Durable.delete(layout.tag(repo, tag));
                    cache.remove(new Key(repo, tag));
                }
            } catch (NotFoundException e) {
                // removed concurrently
            } finally {
                lock.unlock();
            }
        }
    }

    /** The tags of {@code repo} by the digest they point at. */
    Map<Digest, Set<Tag>> byDigest(Repository repo) throws IOException {
        Map<Digest, Set<Tag>> result = new HashMap<>();
        for (Tag tag : names(repo)) {
            Digest target = current(repo, tag);
            if (target != null) {
                result.computeIfAbsent(target, d -> new HashSet<>()).add(tag);
            }
        }
        return result;
    }

    /** What {@code tag} points at, as {@link #resolve} finds it (and caches it); null if gone. */
    private Digest current(Repository repo, Tag tag) throws IOException {
        try {
            return resolve(repo, tag);
        } catch (NotFoundException e) {
            return null; // untagged while listing
        }
    }

    /** The tags of {@code repo}, in no particular order. */
    private List<Tag> names(Repository repo) throws IOException {
        List<Tag> tags = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(layout.tags(repo))) {
            for (Path f : files) {
                tags.add(new Tag(f.getFileName().toString()));
            }
        } catch (NoSuchFileException e) {
            // no tags yet
        }
        return tags;
    }

    /**
     * tags-1: the tags after {@code after}, in order, at most {@code limit}: the directory's
     * sorted names (kept while it is unchanged), searched for {@code after}, so a page of a
     * repository with 100,000 tags costs a page, not a read and sort of 100,000 names.
     */
    Page<Tag> page(Repository repo, Optional<Tag> after, int limit) throws IOException {
        String[] names;
        try {
            names = listings.names(layout.tags(repo));
        } catch (NoSuchFileException e) {
            return Page.of(List.of(), limit); // no tags yet
        }
        String afterName = after.map(Tag::value).orElse("");
        int from = SortedListings.firstWhere(names, name -> name.compareTo(afterName) > 0);
        List<Tag> page = new ArrayList<>();
        for (int i = from; i < names.length && page.size() <= limit; i++) {
            page.add(new Tag(names[i]));
        }
        return Page.of(page, limit);
    }
}
