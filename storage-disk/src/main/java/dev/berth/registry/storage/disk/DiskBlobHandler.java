// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.VerifyingInputStream;
import dev.berth.registry.spi.BlobDeleteHandler;
import dev.berth.registry.spi.BlobLocateHandler;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.BlobStatHandler;
import dev.berth.registry.spi.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Blob content under {@code blobs/}, membership as link files under each repository. Content is
 * checked against its digest on the first complete read in each process (bit rot, tampering);
 * a file that fails is moved to {@code quarantine/} and its reader gets an I/O error before the
 * last bytes, so a corrupt blob is never served whole.
 */
final class DiskBlobHandler implements BlobStatHandler, BlobPutHandler, BlobDeleteHandler, BlobLocateHandler {
    private static final System.Logger LOG = System.getLogger(DiskBlobHandler.class.getName());

    private final Layout layout;
    private final DigestLocks locks;
    /** Digests whose file was read whole and matched, with the file's modification time then. */
    private final Map<Digest, Long> verified = new ConcurrentHashMap<>();
    /** Past this many entries the map starts over: a forgotten blob is only hashed once more. */
    private static final int VERIFIED_LIMIT = 100_000;

    private final ExecutorService flusher;
    private final Claims claims;
    private final Holders holders;

    DiskBlobHandler(Layout layout, DigestLocks locks, ExecutorService flusher, Claims claims) {
        this.layout = layout;
        this.holders = new Holders(layout);
        this.locks = locks;
        this.flusher = flusher;
        this.claims = claims;
    }

    ExecutorService flusher() {
        return flusher;
    }

    DigestLocks locks() {
        return locks;
    }

    Holders holders() {
        return holders;
    }

    @Override
    public InputStream get(Repository repo, Digest digest) throws IOException {
        Path file = file(repo, digest);
        BasicFileAttributes attributes;
        FileChannel channel;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("blob " + digest + " is linked in " + repo + " but its content is gone");
        }
        long modified = attributes.lastModifiedTime().toMillis();
        Long seen = verified.get(digest);
        if (seen != null && seen == modified) {
            return new FileBlobStream(channel);
        }
        // the first read of a file in this process is hashed; a corrupt one never reaches a client whole
        return new VerifyingInputStream(Channels.newInputStream(channel), digest, attributes.size()).skippable()
                .onOutcome(matched -> {
                    if (matched) {
                        markVerified(digest, modified);
                    } else {
                        quarantine(digest, file);
                    }
                });
    }

    private void markVerified(Digest digest, long modified) {
        if (verified.size() >= VERIFIED_LIMIT) {
            verified.clear();
        }
        verified.put(digest, modified);
    }

    /** The content file, after checking that {@code repo} holds the blob (and rescuing it: gc-rescue). */
    Path file(Repository repo, Digest digest) throws IOException {
        retain(repo, digest);
        return layout.blob(digest);
    }

    /**
     * gc-rescue: ends a collector's claim on the blob, then checks that {@code repo} links it.
     * A sweep removes the link before the claim, so "no claim" seen here means the link is
     * either safe or already gone, never about to go.
     */
    void retain(Repository repo, Digest digest) throws IOException {
        Path link = layout.blobLink(repo, digest);
        rescue(Claims.blob(repo, digest), link);
        if (!Files.exists(link)) {
            throw new NotFoundException("blob " + digest + " is not in " + repo);
        }
    }

    /**
     * gc-rescue of a blob link or manifest: ends a collector's claim on it, under its digest's
     * lock, and refreshes its file's age. Lock-free when nothing is claimed (nearly always).
     */
    void rescue(Claims.Key key, Path file) throws IOException {
        if (!claims.isClaimed(key)) {
            return;
        }
        ReentrantLock lock = locks.of(key.digest());
        lock.lock();
        try {
            if (claims.clear(key)) {
                refresh(file);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Marks a link or manifest file as just used: the grace period starts again. */
    static void refresh(Path file) throws IOException {
        try {
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
        } catch (NoSuchFileException e) {
            // swept before the claim was seen: the caller's existence check reports it
        }
    }

    /** Digests linked since a reclaim of unlinked content began listing links; null when none runs. */
    private volatile Set<Digest> linkedDuringReclaim;

    /** Starts noting every digest linked from now on (see {@link DiskCollection#reclaimUnlinked}). */
    void trackLinks() {
        linkedDuringReclaim = ConcurrentHashMap.newKeySet();
    }

    void stopTrackingLinks() {
        linkedDuringReclaim = null;
    }

    /** Whether {@code digest} was linked since {@link #trackLinks}; call with its lock held. */
    boolean linkedSinceTracking(Digest digest) {
        Set<Digest> linked = linkedDuringReclaim;
        return linked == null || linked.contains(digest);
    }

    /** Deletes content no repository links (checked by the caller, under the lock); returns its size. */
    long removeUnlinkedContent(Digest digest) throws IOException {
        verified.remove(digest);
        holders.removeAll(digest);
        Path content = layout.blob(digest);
        try {
            long size = Files.size(content);
            return Files.deleteIfExists(content) ? size : 0;
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** Links the blob into {@code repo}, or refreshes the link, ending any claim. Call with the lock held. */
    private void linkLocked(Repository repo, Digest digest) throws IOException {
        Path link = layout.blobLink(repo, digest);
        if (Files.exists(link)) {
            refresh(link);
        } else {
            holders.add(repo, digest);
            Durable.touch(link);
        }
        // noted once the link exists: a reclaim that began before this read listed the link or will
        // see the note, while one that begins after it lists the link (noted first, a reclaim
        // starting between the note and the link would miss both and delete linked content)
        Set<Digest> tracking = linkedDuringReclaim;
        if (tracking != null) {
            tracking.add(digest);
        }
        claims.clear(Claims.blob(repo, digest));
    }

    private void quarantine(Digest digest, Path file) {
        verified.remove(digest);
        try {
            Durable.mkdirs(layout.quarantine());
            Files.move(file, layout.quarantine().resolve(digest.algorithm().id() + "-" + digest.encoded()),
                    StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LOG.log(Level.ERROR, "blob " + digest + " does not match its digest (bit rot or tampering); moved to "
                    + layout.quarantine() + ". Clients get BLOB_UNKNOWN until it is pushed again.");
        } catch (IOException e) {
            LOG.log(Level.ERROR, "blob " + digest + " does not match its digest and could not be quarantined", e);
        }
    }

    @Override
    public long stat(Repository repo, Digest digest) throws IOException {
        try {
            return Files.size(file(repo, digest));
        } catch (NoSuchFileException e) {
            throw new NotFoundException("blob " + digest + " is linked in " + repo + " but its content is gone");
        }
    }

    @Override
    public void put(Repository repo, Digest digest, InputStream content) throws IOException {
        Path spooled = Durable.spool(layout.tmp(), content, flusher); // reads to EOF: verification happens here
        try {
            commit(repo, digest, spooled);
        } finally {
            Files.deleteIfExists(spooled);
        }
    }

    /** Publishes an fsynced file as {@code digest} (once) and links it into {@code repo}. */
    void commit(Repository repo, Digest digest, Path uploaded) throws IOException {
        ReentrantLock lock = locks.of(digest);
        lock.lock();
        try {
            Path target = layout.blob(digest);
            if (Files.exists(target)) {
                Files.deleteIfExists(uploaded); // identical content is already stored: nothing to sync
            } else {
                Durable.sync(uploaded); // chunks may be unsynced; a 201 blob is on disk
                Durable.publish(uploaded, target);
                // core hashed these bytes on their way in: the first read need not hash them again
                markVerified(digest, Files.getLastModifiedTime(target).toMillis());
            }
            linkLocked(repo, digest);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void delete(Repository repo, Digest digest) throws IOException {
        ReentrantLock lock = locks.of(digest);
        lock.lock();
        try {
            if (!Durable.delete(layout.blobLink(repo, digest))) {
                throw new NotFoundException("blob " + digest + " is not in " + repo);
            }
            holders.remove(repo, digest);
            removeContentIfUnlinked(digest);
            claims.clear(Claims.blob(repo, digest));
        } finally {
            lock.unlock();
        }
    }

    /** Deletes the content once no repository links it. Call with the lock held. */
    private void removeContentIfUnlinked(Digest digest) throws IOException {
        if (holders.linkedAnywhere(digest)) {
            return;
        }
        verified.remove(digest);
        holders.removeAll(digest);
        Durable.delete(layout.blob(digest));
    }

    @Override
    public void mount(Repository from, Repository to, Digest digest) throws IOException {
        ReentrantLock lock = locks.of(digest);
        lock.lock();
        try {
            if (!Files.exists(file(from, digest))) {
                throw new NotFoundException("blob " + digest + " is linked in " + from + " but its content is gone");
            }
            refresh(layout.blobLink(from, digest));
            linkLocked(to, digest);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Repository> locate(Digest digest, int limit) throws IOException {
        return holders.list(digest, limit);
    }
}
