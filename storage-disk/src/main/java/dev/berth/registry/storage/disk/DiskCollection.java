// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.gc.CollectionHandler;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Online collection on disk. A live item's version is its file's modification time (a push,
 * mount or rescue refreshes it); a claimed item's version is its claim token (see {@link Claims}).
 * Every state change happens under the digest's lock, which the push paths take too.
 */
final class DiskCollection implements CollectionHandler {
    private final Layout layout;
    private final DiskBlobHandler blobs;
    private final DiskManifestHandler manifests;
    private final Claims claims;

    DiskCollection(Layout layout, DiskBlobHandler blobs, DiskManifestHandler manifests, Claims claims) {
        this.layout = layout;
        this.blobs = blobs;
        this.manifests = manifests;
        this.claims = claims;
    }

    @Override
    public List<Item> blobs(Repository repo) throws IOException {
        List<Item> items = new ArrayList<>();
        for (Path link : files(layout.repository(repo).resolve("_blobs"))) {
            Digest digest = Digest.parse(link.getParent().getFileName() + ":" + link.getFileName());
            try {
                FileTime modified = Files.getLastModifiedTime(link);
                items.add(item(Claims.blob(repo, digest), modified, contentSize(digest)));
            } catch (NoSuchFileException e) {
                // unlinked while listing
            }
        }
        return items;
    }

    private long contentSize(Digest digest) throws IOException {
        try {
            return Files.size(layout.blob(digest));
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    private Item item(Claims.Key key, FileTime modified, long size) {
        OptionalLong token = claims.token(key);
        return token.isPresent()
                ? new Item(key.kind(), key.digest(), State.COLLECTING, token.getAsLong(), modified.toInstant(), size)
                : new Item(key.kind(), key.digest(), State.LIVE, modified.to(TimeUnit.MICROSECONDS),
                        modified.toInstant(), size);
    }

    @Override
    public List<StoredManifest> manifests(Repository repo) throws IOException {
        Map<Digest, FileTime> modified = new HashMap<>();
        Map<Digest, Facts> facts = allFacts(repo, modified);
        Map<Digest, Set<Tag>> tags = manifests.tagsByDigest(repo);
        List<StoredManifest> result = new ArrayList<>();
        facts.forEach((digest, f) -> result.add(new StoredManifest(
                item(Claims.manifest(repo, digest), modified.get(digest), f.size()), f.references(), f.subject(),
                tags.getOrDefault(digest, Set.of()))));
        return result;
    }

    @Override
    public Set<Digest> references(Repository repo) throws IOException {
        Set<Digest> all = new HashSet<>(manifests.inFlight(repo)); // first: a put that ends now is on disk below
        allFacts(repo, new HashMap<>()).values().forEach(f -> all.addAll(f.references()));
        return all;
    }

    /** Every manifest file of {@code repo} with its facts and modification time. */
    private Map<Digest, Facts> allFacts(Repository repo, Map<Digest, java.nio.file.attribute.FileTime> modified)
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

    private Path fileOf(Repository repo, Item item) {
        return item.kind() == Kind.BLOB ? layout.blobLink(repo, item.digest()) : layout.manifest(repo, item.digest());
    }

    private Claims.Key keyOf(Repository repo, Item item) {
        return item.kind() == Kind.BLOB ? Claims.blob(repo, item.digest()) : Claims.manifest(repo, item.digest());
    }

    @Override
    public Optional<Item> claim(Repository repo, Item seen) throws IOException {
        Claims.Key key = keyOf(repo, seen);
        ReentrantLock lock = blobs.locks().of(seen.digest());
        lock.lock();
        try {
            FileTime modified;
            try {
                modified = Files.getLastModifiedTime(fileOf(repo, seen));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
            if (!item(key, modified, seen.size()).equals(seen)) {
                return Optional.empty(); // used, claimed or released since it was listed
            }
            long token = claims.claim(key);
            return Optional.of(new Item(seen.kind(), seen.digest(), State.COLLECTING, token, seen.lastUsed(),
                    seen.size()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void release(Repository repo, Item claimed) {
        ReentrantLock lock = blobs.locks().of(claimed.digest());
        lock.lock();
        try {
            claims.clear(keyOf(repo, claimed), claimed.version());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public OptionalLong sweep(Repository repo, Item claimed) throws IOException {
        if (claimed.state() != State.COLLECTING) {
            return OptionalLong.empty();
        }
        if (claimed.kind() == Kind.MANIFEST) {
            return manifests.sweep(repo, claimed.digest(), claimed.version());
        }
        Claims.Key key = keyOf(repo, claimed);
        ReentrantLock lock = blobs.locks().of(claimed.digest());
        lock.lock();
        try {
            if (!claims.holds(key, claimed.version())) {
                return OptionalLong.empty();
            }
            // the link, then the claim: a reader that sees no claim sees no link either. The
            // content goes in reclaimUnlinked at the end of the pass: one walk over all links
            // instead of one per blob. Not fsynced: a crash may bring back the link (without
            // content: a 404, and the next pass removes it again); no manifest can have been
            // acknowledged over a link this removed.
            Files.deleteIfExists(layout.blobLink(repo, claimed.digest()));
            blobs.holders().remove(repo, claimed.digest());
            claims.clear(key);
            return OptionalLong.of(0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Content no link names: listed against one walk over every repository's links, then each
     * deleted under its lock unless a push linked it since the walk began.
     */
    @Override
    public synchronized long reclaimUnlinked(Instant cutoff) throws IOException {
        blobs.trackLinks();
        try {
            LinkedDigests linked = new LinkedDigests();
            for (Repository repo : Repositories.list(layout)) {
                for (Path link : files(layout.repository(repo).resolve("_blobs"))) {
                    Digest digest = Digest.parse(link.getParent().getFileName() + ":" + link.getFileName());
                    linked.add(digest);
                    if (!blobs.holders().has(repo, digest)) {
                        indexLink(repo, digest, link);
                    }
                }
            }
            long freed = 0;
            try (DirectoryStream<Path> algorithms = Files.newDirectoryStream(layout.blobs())) {
                for (Path algorithm : algorithms) {
                    try (DirectoryStream<Path> prefixes = Files.newDirectoryStream(algorithm)) {
                        for (Path prefix : prefixes) {
                            try (DirectoryStream<Path> contents = Files.newDirectoryStream(prefix)) {
                                for (Path content : contents) {
                                    Digest digest = Digest.parse(algorithm.getFileName() + ":" + content.getFileName());
                                    if (!linked.mayContain(digest)) {
                                        freed += reclaimIfUnlinked(digest, content, cutoff);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // repositories emptied by this or earlier passes (and a crash's leftovers) would
            // otherwise stay as directory trees that every catalog and GC walk goes through
            Durable.pruneEmptyDirectories(layout.repositories());
            return freed;
        } finally {
            blobs.stopTrackingLinks();
        }
    }

    /** Puts back the holders entry of a link a crash left unindexed (or written before the index). */
    private void indexLink(Repository repo, Digest digest, Path link) throws IOException {
        ReentrantLock lock = blobs.locks().of(digest);
        lock.lock();
        try {
            if (Files.exists(link)) {
                blobs.holders().add(repo, digest);
            }
        } finally {
            lock.unlock();
        }
    }

    private long reclaimIfUnlinked(Digest digest, Path content, Instant cutoff) throws IOException {
        ReentrantLock lock = blobs.locks().of(digest);
        lock.lock();
        try {
            if (blobs.linkedSinceTracking(digest)
                    || !Files.getLastModifiedTime(content).toInstant().isBefore(cutoff)) {
                return 0;
            }
            return blobs.removeUnlinkedContent(digest); // not fsynced: content that comes back is unlinked again
        } catch (NoSuchFileException e) {
            return 0;
        } finally {
            lock.unlock();
        }
    }

    /** The files of {@code dir/<algorithm>/}. */
    private static List<Path> files(Path dir) throws IOException {
        List<Path> result = new ArrayList<>();
        try (DirectoryStream<Path> algorithms = Files.newDirectoryStream(dir)) {
            for (Path algorithm : algorithms) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(algorithm)) {
                    entries.forEach(result::add);
                }
            }
        } catch (NoSuchFileException e) {
            return result;
        }
        return result;
    }
}
