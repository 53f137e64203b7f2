// SPDX-License-Identifier: Apache-2.0
package com.example.mine;

import dev.berth.registry.api.Digest;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;

/**
 * The files under {@code root}: {@code blobs/ALG/HEX} (content, written once, never in place),
 * {@code journal} (which repository holds which blob, manifests, tags), {@code uploads/ID/}
 * and {@code tmp/}. One process at a time: {@code .lock} is held while the store is open.
 */
final class MineStore implements Closeable {
    final Path root;
    final State state = new State();
    private final Journal journal;
    private final FileChannel lock;

    private MineStore(Path root, FileChannel lock) throws IOException {
        this.root = root;
        this.lock = lock;
        this.journal = Journal.open(root.resolve("journal"), state::apply);
    }

    static MineStore open(Path root) throws IOException {
        Path dir = root.toAbsolutePath();
        for (String sub : List.of("blobs", "uploads", "tmp")) {
            Files.createDirectories(dir.resolve(sub));
        }
        FileChannel lock = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held;
        try {
            held = lock.tryLock();
        } catch (OverlappingFileLockException e) {
            held = null;
        }
        if (held == null) {
            lock.close();
            throw new IOException(dir + " is in use by another process");
        }
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir.resolve("tmp"))) {
            for (Path leftover : leftovers) {
                Files.delete(leftover); // a write a crash interrupted: never acknowledged
            }
        }
        return new MineStore(dir, lock);
    }

    /** Makes the records durable, then true in memory. */
    synchronized void write(List<List<String>> records) throws IOException {
        journal.append(records);
        records.forEach(state::apply);
    }

    Path content(Digest digest) {
        return root.resolve("blobs").resolve(digest.algorithm().id()).resolve(digest.encoded());
    }

    /** Reads {@code in} to its end into a new temporary file, forced to disk. */
    Path receive(InputStream in) throws IOException {
        Path tmp = root.resolve("tmp").resolve(UUID.randomUUID().toString());
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
                in.transferTo(out);
            }
            force(tmp);
            return tmp;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Moves a complete, forced file into place as the content of {@code digest}. */
    void publish(Path file, Digest digest) throws IOException {
        Files.createDirectories(content(digest).getParent());
        Files.move(file, content(digest), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        journal.close();
        lock.close();
    }
}
