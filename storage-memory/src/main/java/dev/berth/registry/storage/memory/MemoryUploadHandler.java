// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.memory;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Upload;
import dev.berth.registry.spi.UploadHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Upload sessions as growing byte arrays. */
final class MemoryUploadHandler implements UploadHandler {
    private final Map<String, MemoryUpload> sessions = new ConcurrentHashMap<>();
    private final MemoryBlobHandler blobs;

    MemoryUploadHandler(MemoryBlobHandler blobs) {
        this.blobs = blobs;
    }

    @Override
    public Upload create(Repository repo, String id) throws IOException {
        MemoryUpload upload = new MemoryUpload(id, repo);
        if (sessions.putIfAbsent(id, upload) != null) {
            throw new IOException("upload session " + id + " already exists");
        }
        return upload;
    }

    @Override
    public Upload open(String id) throws IOException {
        MemoryUpload upload = sessions.get(id);
        if (upload == null) {
            throw new NotFoundException("no upload session " + id);
        }
        return upload;
    }

    @Override
    public int expire(Instant cutoff) {
        int[] count = {0};
        sessions.values().removeIf(u -> {
            boolean idle = u.lastActivity().isBefore(cutoff);
            count[0] += idle ? 1 : 0;
            return idle;
        });
        return count[0];
    }

    private final class MemoryUpload implements Upload {
        private final String id;
        private final Repository repo;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private volatile Instant lastActivity = Instant.now();

        MemoryUpload(String id, Repository repo) {
            this.id = id;
            this.repo = repo;
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
        public synchronized long size() {
            return bytes.size();
        }

        @Override
        public Instant lastActivity() {
            return lastActivity;
        }

        @Override
        public long append(InputStream chunk) throws IOException {
            byte[] data = chunk.readAllBytes(); // whole chunk or nothing
            synchronized (this) {
                bytes.write(data);
                lastActivity = Instant.now();
                return bytes.size();
            }
        }

        @Override
        public synchronized InputStream read() {
            return new ByteArrayInputStream(bytes.toByteArray());
        }

        @Override
        public void commit(Digest digest) throws IOException {
            if (sessions.remove(id) == null) {
                throw new NotFoundException("upload session " + id + " already ended");
            }
            byte[] content;
            synchronized (this) {
                content = bytes.toByteArray();
            }
            blobs.store(repo, digest, content);
        }

        @Override
        public void cancel() {
            sessions.remove(id);
        }
    }
}
