// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Upload;
import dev.berth.registry.spi.PartSizedUploads;
import dev.berth.registry.storage.s3.Bucket.Condition;
import dev.berth.registry.storage.s3.Bucket.Stored;
import dev.berth.registry.storage.s3.Records.Piece;
import dev.berth.registry.storage.s3.Records.UploadState;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Upload sessions entirely in the bucket, so any node can take the next chunk: a state record
 * (compare-and-swapped on every change) listing the pieces received, each its own object. Chunks
 * smaller than a part are stored as small pieces and merged into one part-sized piece once they
 * add up to a part, so every byte goes to S3 at most twice; at commit the pieces become the
 * blob's data by server-side part copies, without moving the bytes through this node again.
 */
final class S3UploadHandler implements PartSizedUploads {
    /** S3's smallest part but the last. */
    static final long MIN_PART = 5L << 20;

    final Links links;
    final Bucket bucket;
    final int partSize;
    /** Bytes read before a request commits to a part-sized buffer: small chunks never take one. */
    static final int SMALL_READ = 256 * 1024;
    /** Heap for part buffers across all uploads of this node. */
    private static final long BUFFER_BUDGET = 64L << 20;
    final int maxBuffers;
    final java.util.concurrent.BlockingQueue<byte[]> buffers = new java.util.concurrent.LinkedBlockingQueue<>();
    final java.util.concurrent.atomic.AtomicInteger allocated = new java.util.concurrent.atomic.AtomicInteger();
    /** Uploads parts while their request reads the next one from the client. */
    final java.util.concurrent.ExecutorService uploader = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "berth-s3-part");
        t.setDaemon(true);
        return t;
    });

    S3UploadHandler(Links links, int partSize) {
        this.links = links;
        this.bucket = links.bucket();
        this.partSize = partSize;
        this.maxBuffers = (int) Math.max(2, BUFFER_BUDGET / partSize);
    }

    @Override
    public Upload create(Repository repo, String id) throws IOException {
        long now = links.now();
        UploadState state = new UploadState(repo.name(), now, now, 0, List.of(), Records.nonce());
        Optional<String> etag = bucket.putIf(Keys.uploadState(id), Records.write(state), Condition.absent());
        if (etag.isEmpty()) {
            throw new IOException("upload session " + id + " already exists");
        }
        return new S3Upload(this, id, state, etag.get());
    }

    @Override
    public Upload open(String id) throws IOException {
        String key = Keys.uploadState(id);
        Stored stored = bucket.readLive(key).orElseThrow(() -> new NotFoundException("no upload session " + id));
        return new S3Upload(this, id, Records.read(stored.body(), UploadState.class, key), stored.etag());
    }

    @Override
    public int expire(Instant cutoff) throws IOException {
        Map<String, Instant> newestPerSession = new HashMap<>();
        Map<String, Boolean> hasState = new HashMap<>();
        bucket.list(Keys.UPLOADS, Optional.empty(), entry -> {
            String rest = entry.key().substring(Keys.UPLOADS.length());
            int slash = rest.indexOf('/');
            if (slash <= 0) {
                return;
            }
            String id = rest.substring(0, slash);
            newestPerSession.merge(id, entry.lastModified(), (a, b) -> a.isAfter(b) ? a : b);
            if (rest.endsWith("/state")) {
                hasState.put(id, true);
            }
        });
        int expired = 0;
        for (Map.Entry<String, Instant> session : newestPerSession.entrySet()) {
            if (!session.getValue().isBefore(cutoff)) {
                continue;
            }
            String id = session.getKey();
            if (hasState.containsKey(id)) {
                Optional<Stored> state = bucket.readLive(Keys.uploadState(id));
                if (state.isPresent()) {
                    UploadState s = Records.read(state.get().body(), UploadState.class, Keys.uploadState(id));
                    if (!Instant.ofEpochMilli(s.lastActivity()).isBefore(cutoff)) {
                        continue;
                    }
                    expired++;
                }
            }
            removeSession(id); // pieces without a state are what a crash mid-commit or mid-cancel left
        }
        return expired;
    }

    /** The chunk size every chunk but the last should reach: smaller ones are stored twice. */
    @Override
    public long minimumChunkLength() {
        return partSize;
    }

    void close() {
        uploader.shutdown();
    }

    /** Removes the trailing pieces smaller than a part from {@code pieces} and returns them, in order. */
    static List<Piece> takeSmallTail(List<Piece> pieces) {
        List<Piece> tail = new ArrayList<>();
        while (!pieces.isEmpty() && pieces.get(pieces.size() - 1).size() < MIN_PART) {
            tail.add(0, pieces.remove(pieces.size() - 1));
        }
        return tail;
    }

    void removeSession(String id) throws IOException {
        bucket.delete(Keys.uploadState(id));
        List<String> keys = new ArrayList<>();
        bucket.list(Keys.UPLOADS + id + "/", Optional.empty(), e -> keys.add(e.key()));
        for (String key : keys) {
            bucket.delete(key);
        }
    }
}
