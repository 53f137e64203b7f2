// SPDX-License-Identifier: Apache-2.0
package com.example.berth.ocilayout;

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

/** Upload sessions as {@code ROOT/.uploads/ID/{repository,data}}, outside every layout. */
final class OciLayoutUploads implements UploadHandler {
    private final OciLayoutBlobs files;
    private final Path dir;

    OciLayoutUploads(OciLayoutBlobs files) throws IOException {
        this.files = files;
        this.dir = files.root.resolve(".uploads");
        Files.createDirectories(dir);
    }

    @Override
    public Upload create(Repository repo, String id) throws IOException {
        Path session = dir.resolve(id);
        Files.createDirectory(session); // an open session's id fails here (FileAlreadyExistsException), untouched
        Files.write(session.resolve("data"), new byte[0]);
        Files.writeString(session.resolve("repository"), repo.name(), StandardCharsets.UTF_8);
        return new Session(id, repo, session);
    }

    @Override
    public Upload open(String id) throws IOException {
        Path session = dir.resolve(id);
        try {
            return new Session(id, new Repository(Files.readString(session.resolve("repository"))), session);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("no upload session " + id);
        }
    }

    @Override
    public int expire(Instant cutoff) throws IOException {
        int count = 0;
        try (DirectoryStream<Path> sessions = Files.newDirectoryStream(dir)) {
            for (Path session : sessions) {
                Session s = new Session(session.getFileName().toString(), null, session);
                if (s.lastActivity().isBefore(cutoff)) {
                    s.cancel();
                    count++;
                }
            }
        }
        return count;
    }

    private final class Session implements Upload {
        private final String id;
        private final Repository repo;
        private final Path path;

        Session(String id, Repository repo, Path path) {
            this.id = id;
            this.repo = repo;
            this.path = path;
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
                return Files.size(path.resolve("data"));
            } catch (NoSuchFileException e) {
                throw new NotFoundException("upload session " + id + " has ended");
            }
        }

        @Override
        public Instant lastActivity() throws IOException {
            try {
                return Files.getLastModifiedTime(path.resolve("data")).toInstant();
            } catch (NoSuchFileException e) {
                return Instant.EPOCH;
            }
        }

        @Override
        public long append(InputStream chunk) throws IOException {
            try (OutputStream out = Files.newOutputStream(path.resolve("data"), StandardOpenOption.APPEND)) {
                chunk.transferTo(out);
            }
            return size();
        }

        @Override
        public InputStream read() throws IOException {
            return Files.newInputStream(path.resolve("data"));
        }

        @Override
        public void commit(Digest digest) throws IOException {
            files.ensureLayout(repo);
            files.publish(path.resolve("data"), files.blob(repo, digest));
            cancel();
        }

        @Override
        public void cancel() throws IOException {
            Files.deleteIfExists(path.resolve("data"));
            Files.deleteIfExists(path.resolve("repository"));
            Files.deleteIfExists(path);
        }
    }
}
