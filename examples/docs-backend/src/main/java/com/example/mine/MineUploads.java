// SPDX-License-Identifier: Apache-2.0
package com.example.mine;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Upload;
import dev.berth.registry.spi.UploadHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Upload sessions as {@code uploads/ID/data} and {@code uploads/ID/repository}; a session is
 * open once its repository file exists. A commit moves the data into place as the blob.
 */
final class MineUploads implements UploadHandler {
    private final MineStore store;
    private final MineBlobs blobs;

    MineUploads(MineStore store, MineBlobs blobs) {
        this.store = store;
        this.blobs = blobs;
    }

    private Path dir(String id) {
        return store.root.resolve("uploads").resolve(id);
    }

    @Override
    public Upload create(Repository repo, String id) throws IOException {
        Path dir = dir(id);
        Files.createDirectory(dir); // fails for an id in use, which stays as it was
        Files.write(dir.resolve("data"), new byte[0]);
        Path name = store.root.resolve("tmp").resolve(id + ".repository");
        Files.writeString(name, repo.name(), StandardCharsets.UTF_8);
        Files.move(name, dir.resolve("repository")); // last: the session is now openable
        return new Session(id, repo, dir);
    }

    @Override
    public Upload open(String id) throws IOException {
        Path dir = dir(id);
        try {
            return new Session(id, new Repository(Files.readString(dir.resolve("repository"))), dir);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("no upload session " + id);
        }
    }

    @Override
    public int expire(Instant cutoff) throws IOException {
        int expired = 0;
        try (DirectoryStream<Path> sessions = Files.newDirectoryStream(store.root.resolve("uploads"))) {
            for (Path dir : sessions) {
                try {
                    Upload session = open(dir.getFileName().toString());
                    if (session.lastActivity().isBefore(cutoff)) {
                        session.cancel();
                        expired++;
                    }
                } catch (NoSuchFileException | NotFoundException e) {
                    // being created, committed or cancelled right now: not idle
                }
            }
        }
        return expired;
    }

    private final class Session implements Upload {
        private final String id;
        private final Repository repo;
        private final Path dir;

        Session(String id, Repository repo, Path dir) {
            this.id = id;
            this.repo = repo;
            this.dir = dir;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Repository repository() {
            return repo;
        }

        private Path data() throws NotFoundException {
            Path data = dir.resolve("data");
            if (!Files.exists(dir.resolve("repository"))) {
                throw new NotFoundException("upload session " + id + " has ended");
            }
            return data;
        }

        @Override
        public long size() throws IOException {
            return Files.size(data());
        }

        @Override
        public Instant lastActivity() throws IOException {
            return Files.getLastModifiedTime(data()).toInstant();
        }

        @Override
        public long append(InputStream chunk) throws IOException {
            try (OutputStream out = Files.newOutputStream(data(), StandardOpenOption.APPEND)) {
                chunk.transferTo(out); // a failure keeps what arrived, in order; size() says how much
            }
            return size();
        }

        @Override
        public InputStream read() throws IOException {
            return Files.newInputStream(data());
        }

        @Override
        public void commit(Digest digest) throws IOException {
            Path data = data();
            MineStore.force(data);
            store.publish(data, digest);
            blobs.link(repo, digest);
            cancel();
        }

        @Override
        public void cancel() throws IOException {
            Files.deleteIfExists(dir.resolve("repository")); // first: the session is no longer openable
            Files.deleteIfExists(dir.resolve("data"));
            Files.deleteIfExists(dir);
        }
    }
}
