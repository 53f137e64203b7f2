// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Upload;
import dev.berth.registry.spi.UploadHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Upload sessions as {@code uploads/ID/} holding the repository name and the bytes so far. Each
 * chunk is fdatasynced before it is acknowledged, so a session survives a restart and resumes
 * at its file's length; finishing renames the file into {@code blobs/} (no copy).
 */
final class DiskUploadHandler implements UploadHandler {
    private final Layout layout;
    private final DiskBlobHandler blobs;
    private final boolean syncChunks;

    DiskUploadHandler(Layout layout, DiskBlobHandler blobs, boolean syncChunks) {
        this.layout = layout;
        this.blobs = blobs;
        this.syncChunks = syncChunks;
    }

    @Override
    public Upload create(Repository repo, String id) throws IOException {
        Path dir = layout.upload(id);
        // uploads-1: atomic, so an open session's id fails here (FileAlreadyExistsException), untouched
        Files.createDirectory(dir);
        byte[] name = repo.name().getBytes(StandardCharsets.UTF_8);
        if (syncChunks) {
            Durable.fsyncDir(dir.getParent());
            Durable.touch(dir.resolve("data"));
            // written last: a session is complete (openable) only once it names its repository
            Durable.write(layout.tmp(), dir.resolve("repository"), name);
        } else {
            // the same steps without fsync: a session is a promise to a client mid-push, which
            // a crash of the process keeps and a power loss may break (the client starts over)
            Files.createFile(dir.resolve("data"));
            Durable.writeUnsynced(layout.tmp(), dir.resolve("repository"), name);
        }
        return new DiskUpload(id, repo, dir);
    }

    @Override
    public Upload open(String id) throws IOException {
        Path dir = layout.upload(id);
        try {
            Repository repo = new Repository(Files.readString(dir.resolve("repository"), StandardCharsets.UTF_8));
            if (!Files.exists(dir.resolve("data"))) {
                throw new NotFoundException("upload session " + id + " has ended");
            }
            return new DiskUpload(id, repo, dir);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("no upload session " + id);
        }
    }

    @Override
    public int expire(Instant cutoff) throws IOException {
        int count = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layout.uploads())) {
            for (Path dir : dirs) {
                Instant last = lastActivity(dir);
                if (last.isBefore(cutoff)) {
                    remove(dir);
                    count++;
                }
            }
        }
        return count;
    }

    private static Instant lastActivity(Path dir) throws IOException {
        try {
            return Files.getLastModifiedTime(dir.resolve("data")).toInstant();
        } catch (NoSuchFileException e) {
            try {
                return Files.getLastModifiedTime(dir).toInstant(); // a session that crashed while starting or ending
            } catch (NoSuchFileException gone) {
                return Instant.MAX;
            }
        }
    }

    private static void remove(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve("data"));
        Files.deleteIfExists(dir.resolve("repository"));
        Files.deleteIfExists(dir);
    }

    private final class DiskUpload implements Upload {
        private final String id;
        private final Repository repo;
        private final Path dir;

        DiskUpload(String id, Repository repo, Path dir) {
            this.id = id;
            this.repo = repo;
            this.dir = dir;
        }

        private Path data() {
            return dir.resolve("data");
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Repository repository() {
            return repo;
        }

        @Override
        public long size() throws IOException {
            try {
                return Files.size(data());
            } catch (NoSuchFileException e) {
                throw new NotFoundException("upload session " + id + " has ended");
            }
        }

        @Override
        public Instant lastActivity() throws IOException {
            return DiskUploadHandler.lastActivity(dir);
        }

        @Override
        public long append(InputStream chunk) throws IOException {
            try (FileChannel ch = FileChannel.open(data(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                // what we acknowledge survives a crash of the process (it is in the file); with
                // sync-chunks also a power loss. Commit makes the bytes durable in any case.
                Streams.copy(chunk, ch, blobs.flusher(), syncChunks);
                return ch.size();
            } catch (NoSuchFileException e) {
                throw new NotFoundException("upload session " + id + " has ended");
            }
        }

        @Override
        public InputStream read() throws IOException {
            try {
                return Files.newInputStream(data());
            } catch (NoSuchFileException e) {
                throw new NotFoundException("upload session " + id + " has ended");
            }
        }

        @Override
        public void commit(Digest digest) throws IOException {
            try {
                blobs.commit(repo, digest, data()); // syncs the data file, renames it into blobs/
            } catch (NoSuchFileException e) {
                throw new NotFoundException("upload session " + id + " has ended");
            }
            remove(dir);
        }

        @Override
        public void cancel() throws IOException {
            remove(dir);
        }
    }
}
