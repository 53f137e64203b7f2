// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The crash-safety primitives: every name becomes visible by an atomic rename of an fsynced
 * file, and the directory holding it is fsynced before we acknowledge, so after {@code kill -9}
 * or power loss a name points at complete content or does not exist.
 */
final class Durable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Durable() {
    }

    /** Writes {@code bytes} to {@code target} atomically and durably, replacing it. */
    static void write(Path tmpDir, Path target, byte[] bytes) throws IOException {
        Path tmp = tmpFile(tmpDir);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(false);
            }
            publish(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Streams {@code in} to a new fsynced temp file and returns it; the caller publishes or deletes it. */
    static Path spool(Path tmpDir, InputStream in, java.util.concurrent.ExecutorService flusher) throws IOException {
        Path tmp = tmpFile(tmpDir);
        boolean done = false;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Streams.copyDurably(in, ch, flusher);
            done = true;
            return tmp;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Atomically replaces {@code target} with {@code bytes}, without fsync: survives a crash of the process only. */
    static void writeUnsynced(Path tmpDir, Path target, byte[] bytes) throws IOException {
        Path tmp = tmpFile(tmpDir);
        try {
            Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** fdatasync of a file's contents (near free when they are already on disk). */
    static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(false);
        }
    }

    /** Renames an fsynced file onto {@code target} (replacing it) and fsyncs the directories. */
    static void publish(Path fsyncedFile, Path target) throws IOException {
        intoDirectory(target.getParent(), () -> {
            try {
                Files.move(fsyncedFile, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the data directory must be on one filesystem that supports atomic rename", e);
            }
        });
        fsyncDir(target.getParent());
    }

    private interface DirectoryWrite {
        void run() throws IOException;
    }

    /**
     * Held shared by every write that creates a directory and puts an entry in it, and exclusively
     * by each removal of an empty directory: a directory is never pruned between being created
     * and being written into, so a write never finds its directory gone. (Tests hold it to stop
     * writers at a known point.)
     */
    static final ReentrantReadWriteLock DIRECTORIES = new ReentrantReadWriteLock();

    /** Creates {@code dir} if needed and runs {@code write} in it, with no pruning in between. */
    private static void intoDirectory(Path dir, DirectoryWrite write) throws IOException {
        DIRECTORIES.readLock().lock();
        try {
            mkdirs(dir);
            write.run();
        } finally {
            DIRECTORIES.readLock().unlock();
        }
    }

    /**
     * Removes the empty directories under {@code root} (never root itself), deepest first. Safe
     * against concurrent writers: a directory is removed only while empty (rmdir fails
     * otherwise), and never while a writer is between creating a directory and writing into it.
     * Only directories the walk saw empty are tried, so a large tree costs one walk and no
     * failed removals (each of which would hold back every writer); one that empties while the
     * walk passes it goes in the next pass.
     */
    static int pruneEmptyDirectories(Path root) throws IOException {
        int[] removed = {0};
        Deque<int[]> entriesLeft = new ArrayDeque<>(); // per open directory, the walk's count
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                countEntry();
                entriesLeft.push(new int[] {0});
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                countEntry();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // removed concurrently
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                boolean seenEmpty = entriesLeft.pop()[0] == 0;
                if (!dir.equals(root) && seenEmpty && e == null && remove(dir)) {
                    removed[0]++;
                    entriesLeft.peek()[0]--;
                }
                return FileVisitResult.CONTINUE;
            }

            private void countEntry() {
                if (!entriesLeft.isEmpty()) {
                    entriesLeft.peek()[0]++;
                }
            }
        });
        return removed[0];
    }

    private static boolean remove(Path emptyDir) {
        DIRECTORIES.writeLock().lock();
        try {
            Files.delete(emptyDir);
            return true;
        } catch (IOException notEmptyOrGone) {
            return false; // a writer got in first (or it went already): keep
        } finally {
            DIRECTORIES.writeLock().unlock();
        }
    }

    /** Creates an empty marker file durably; an existing one is fine. */
    static void touch(Path target) throws IOException {
        boolean[] created = {true};
        intoDirectory(target.getParent(), () -> {
            try {
                Files.createFile(target);
            } catch (FileAlreadyExistsException e) {
                created[0] = false;
            }
        });
        if (created[0]) {
            fsyncDir(target.getParent());
        }
    }

    /** Removes a name durably; returns whether it existed. */
    static boolean delete(Path target) throws IOException {
        boolean existed = Files.deleteIfExists(target);
        if (existed) {
            fsyncDir(target.getParent());
        }
        return existed;
    }

    /** Creates missing directories, fsyncing each new one's parent so the new entry survives a crash. */
    static void mkdirs(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            mkdirs(parent);
        }
        try {
            Files.createDirectory(dir);
            if (parent != null) {
                fsyncDir(parent);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    /**
     * Makes the entries renamed into {@code dir} durable. Concurrent fsyncs on ext4 are already
     * merged into one journal commit; grouping them here measured no better.
     */
    static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (NoSuchFileException e) {
            // removed concurrently: nothing left to make durable
        }
    }

    static Path tmpFile(Path tmpDir) {
        byte[] name = new byte[12];
        RANDOM.nextBytes(name);
        return tmpDir.resolve(HexFormat.of().formatHex(name) + ".tmp");
    }
}
