// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobDeleteHandler;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.BlobStatHandler;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.storage.memory.MemoryStorageProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Blob handlers to pass to {@code Registry.builder().blobHandler(…)}, go-containerregistry's
 * {@code NewInMemoryBlobHandler} and {@code NewDiskBlobHandler(dir)}: content is stored once per
 * digest, and each repository keeps its own list of the digests pushed to it. Manifests and
 * tags stay in the registry's storage.
 */
public final class BlobHandlers {
    private BlobHandlers() {
    }

    /** Blobs in the heap, gone with the handler (the memory backend's): get, stat, put, delete and mount. */
    public static BlobHandler inMemory() {
        return new MemoryStorageProvider().open(StorageConfig.empty()).blobs();
    }

    /**
     * Blobs as files under {@code directory} ({@code blobs/ALG/HEX}, written to a temporary file
     * and renamed into place, so a blob is whole or absent), which a later handler on the same
     * directory serves again, after a restart of the registry or of the JVM.
     */
    public static BlobHandler onDisk(Path directory) throws IOException {
        return new OnDisk(Files.createDirectories(Objects.requireNonNull(directory, "directory")));
    }

    /** The capabilities of the disk handler: get, stat, put and delete. */
    private interface Full extends BlobPutHandler, BlobStatHandler, BlobDeleteHandler {
    }

    private static final class OnDisk implements Full {
        private final Path root;

        OnDisk(Path root) {
            this.root = root;
        }

        private Path content(Digest digest) {
            return root.resolve("blobs").resolve(digest.algorithm().name().toLowerCase()).resolve(digest.encoded());
        }

        private Path link(Repository repo, Digest digest) {
            return root.resolve("repositories").resolve(repo.toString()).resolve(digest.toString().replace(':', '-'));
        }

        private Path existing(Repository repo, Digest digest) throws NotFoundException {
            Path file = content(digest);
            if (!Files.exists(link(repo, digest)) || !Files.exists(file)) {
                throw new NotFoundException("blob " + digest + " is not in " + repo);
            }
            return file;
        }

        @Override
        public InputStream get(Repository repo, Digest digest) throws IOException {
            try {
                return Files.newInputStream(existing(repo, digest));
            } catch (NoSuchFileException e) {
                throw new NotFoundException("blob " + digest + " is not in " + repo);
            }
        }

        @Override
        public long stat(Repository repo, Digest digest) throws IOException {
            return Files.size(existing(repo, digest));
        }

        @Override
        public void put(Repository repo, Digest digest, InputStream in) throws IOException {
            Path file = content(digest);
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), "upload-", ".tmp");
            try {
                try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
                     OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
                    in.transferTo(out); // to the end: a wrong digest throws here, before the rename
                    channel.force(true);
                }
                move(temporary, file);
            } finally {
                Files.deleteIfExists(temporary);
            }
            Path link = link(repo, digest);
            Files.createDirectories(link.getParent());
            if (!Files.exists(link)) {
                Files.write(link, new byte[0]);
            }
        }

        private static void move(Path from, Path to) throws IOException {
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        }

        @Override
        public void delete(Repository repo, Digest digest) throws IOException {
            if (!Files.deleteIfExists(link(repo, digest))) {
                throw new NotFoundException("blob " + digest + " is not in " + repo);
            }
        }
    }
}
