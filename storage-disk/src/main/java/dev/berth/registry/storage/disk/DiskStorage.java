// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.spi.gc.CollectableStorage;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Opens the disk backend; see {@link Layout} for the files. */
public final class DiskStorage {
    private DiskStorage() {
    }

    /** Opens (creating if needed) the store under {@code root}, clearing leftovers of a crash in tmp/. */
    public static CollectableStorage open(Path root) throws IOException {
        return open(root, false);
    }

    /**
     * Like {@link #open(Path)}; with {@code syncChunks}, every upload chunk is fdatasynced before
     * it is acknowledged (otherwise a chunk survives a crash of the process, and reaches the disk
     * at the latest when its blob is committed).
     */
    public static CollectableStorage open(Path root, boolean syncChunks) throws IOException {
        return open(root, syncChunks, DiskTags.CACHE_ENTRIES);
    }

    /** Like {@link #open(Path, boolean)}, keeping at most about {@code tagCacheEntries} tags in memory. */
    static CollectableStorage open(Path root, boolean syncChunks, int tagCacheEntries) throws IOException {
        Layout layout = new Layout(root.toAbsolutePath().normalize());
        Durable.mkdirs(layout.root());
        if (!Files.isWritable(layout.root())) {
            throw new IOException("data directory " + layout.root() + " is not writable");
        }
        FileChannel lock = lock(layout);
        try {
            for (Path dir : new Path[] {layout.blobs(), layout.repositories(), layout.uploads(), layout.tmp()}) {
                Durable.mkdirs(dir);
            }
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(layout.tmp())) {
                for (Path p : leftovers) {
                    Files.deleteIfExists(p); // never published: a crash interrupted its write
                }
            }
        } catch (IOException | RuntimeException e) {
            lock.close(); // a failed open leaves the directory free
            throw e;
        }
        ExecutorService flusher = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "berth-disk-flush");
            t.setDaemon(true);
            return t;
        });
        DigestLocks locks = new DigestLocks();
        Claims claims = new Claims();
        DiskBlobHandler blobs = new DiskBlobHandler(layout, locks, flusher, claims);
        DiskManifestHandler manifests = new DiskManifestHandler(layout, blobs, claims, tagCacheEntries);
        return CollectableStorage.of(blobs, manifests, new DiskUploadHandler(layout, blobs, syncChunks),
                new DiskCollection(layout, blobs, manifests, claims), () -> {
                    flusher.shutdown();
                    lock.close(); // releases the lock
                });
    }

    /**
     * One process per data directory: its caches, locks and GC claims live in that process. The
     * returned channel holds the lock until it is closed.
     */
    private static FileChannel lock(Layout layout) throws IOException {
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
        return lockFile;
    }
}
