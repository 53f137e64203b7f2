// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.gc.CollectableStorage;
import dev.berth.registry.spi.gc.CollectionHandler;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.UploadHandler;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The disk backend; see {@link Layout} for the files. */
public final class DiskStorage implements CollectableStorage {
    private final DiskBlobHandler blobs;
    private final DiskManifestHandler manifests;
    private final DiskUploadHandler uploads;
    private final DiskCollection collection;

    private final ExecutorService flusher = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "berth-disk-flush");
        t.setDaemon(true);
        return t;
    });

    private DiskStorage(Layout layout, boolean syncChunks, int tagCacheEntries) {
        DigestLocks locks = new DigestLocks();
        Claims claims = new Claims();
        this.blobs = new DiskBlobHandler(layout, locks, flusher, claims);
        this.manifests = new DiskManifestHandler(layout, blobs, claims, tagCacheEntries);
        this.uploads = new DiskUploadHandler(layout, blobs, syncChunks);
        this.collection = new DiskCollection(layout, blobs, manifests, claims);
    }

    /** Opens (creating if needed) the store under {@code root}, clearing leftovers of a crash in tmp/. */
    public static DiskStorage open(Path root) throws IOException {
        return open(root, false);
    }

    /**
     * Like {@link #open(Path)}; with {@code syncChunks}, every upload chunk is fdatasynced before
     * it is acknowledged (otherwise a chunk survives a crash of the process, and reaches the disk
     * at the latest when its blob is committed).
     */
    public static DiskStorage open(Path root, boolean syncChunks) throws IOException {
        return open(root, syncChunks, DiskTags.CACHE_ENTRIES);
    }

    /** Like {@link #open(Path, boolean)}, keeping at most about {@code tagCacheEntries} tags in memory. */
    static DiskStorage open(Path root, boolean syncChunks, int tagCacheEntries) throws IOException {
        Layout layout = new Layout(root.toAbsolutePath().normalize());
        Durable.mkdirs(layout.root());
        if (!Files.isWritable(layout.root())) {
            throw new IOException("data directory " + layout.root() + " is not writable");
        }
        // one process per data directory: its caches, locks and GC claims live in that process
        FileChannel lockFile = FileChannel.open(layout.root().resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockFile.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockFile.close();
            throw new IOException("data directory " + layout.root() + " is in use by another Berth server or command"
                    + " (it holds " + layout.root().resolve(".lock") + "); stop it first");
        }
        for (Path dir : new Path[] {layout.blobs(), layout.repositories(), layout.uploads(), layout.tmp()}) {
            Durable.mkdirs(dir);
        }
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(layout.tmp())) {
            for (Path p : leftovers) {
                Files.deleteIfExists(p); // never published: a crash interrupted its write
            }
        }
        DiskStorage storage = new DiskStorage(layout, syncChunks, tagCacheEntries);
        storage.lock = lockFile;
        return storage;
    }

    /** Held open (and locked) while this storage is open. */
    private FileChannel lock;

    @Override
    public BlobHandler blobs() {
        return blobs;
    }

    @Override
    public ManifestHandler manifests() {
        return manifests;
    }

    @Override
    public UploadHandler uploads() {
        return uploads;
    }

    @Override
    public CollectionHandler collection() {
        return collection;
    }

    @Override
    public void close() throws java.io.IOException {
        flusher.shutdown();
        if (lock != null) {
            lock.close(); // releases the lock
        }
    }
}
