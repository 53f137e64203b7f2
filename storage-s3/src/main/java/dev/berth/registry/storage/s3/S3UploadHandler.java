// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Upload;
import dev.berth.registry.spi.UploadHandler;
import dev.berth.registry.storage.s3.Bucket.Condition;
import dev.berth.registry.storage.s3.Bucket.Stored;
import dev.berth.registry.storage.s3.Records.Piece;
import dev.berth.registry.storage.s3.Records.UploadState;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Upload sessions entirely in the bucket, so any node can take the next chunk: a state record
 * (compare-and-swapped on every change) listing the pieces received, each its own object. Chunks
 * smaller than a part are stored as small pieces and merged into one part-sized piece once they
 * add up to a part, so every byte goes to S3 at most twice; at commit the pieces become the
 * blob's data by server-side part copies, without moving the bytes through this node again.
 */
final class S3UploadHandler implements UploadHandler {
    /** S3's smallest part but the last. */
    static final long MIN_PART = 5L << 20;

    private final Links links;
    private final Bucket bucket;
    private final int partSize;

    S3UploadHandler(Links links, int partSize) {
        this.links = links;
        this.bucket = links.bucket();
        this.partSize = partSize;
    }

    @Override
    public Upload create(Repository repo, String id) throws IOException {
        long now = links.now();
        UploadState state = new UploadState(repo.name(), now, now, 0, List.of(), Records.nonce());
        Optional<String> etag = bucket.putIf(Keys.uploadState(id), Records.write(state), Condition.absent());
        if (etag.isEmpty()) {
            throw new IOException("upload session " + id + " already exists");
        }
        return new S3Upload(id, state, etag.get());
    }

    @Override
    public Upload open(String id) throws IOException {
        String key = Keys.uploadState(id);
        Stored stored = bucket.readLive(key).orElseThrow(() -> new NotFoundException("no upload session " + id));
        return new S3Upload(id, Records.read(stored.body(), UploadState.class, key), stored.etag());
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

    private void removeSession(String id) throws IOException {
        bucket.delete(Keys.uploadState(id));
        List<String> keys = new ArrayList<>();
        bucket.list(Keys.UPLOADS + id + "/", Optional.empty(), e -> keys.add(e.key()));
        for (String key : keys) {
            bucket.delete(key);
        }
    }

    private final class S3Upload implements Upload {
        private final String id;
        private UploadState state;
        private String etag;

        S3Upload(String id, UploadState state, String etag) {
            this.id = id;
            this.state = state;
            this.etag = etag;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Repository repository() {
            return Repository.parse(state.repository());
        }

        @Override
        public long size() {
            return state.size();
        }

        @Override
        public Instant lastActivity() {
            return Instant.ofEpochMilli(state.lastActivity());
        }

        @Override
        public long append(InputStream chunk) throws IOException {
            List<Piece> parts = new ArrayList<>(state.pieces());
            List<Piece> tail = new ArrayList<>();
            while (!parts.isEmpty() && parts.get(parts.size() - 1).size() < MIN_PART) {
                tail.add(0, parts.remove(parts.size() - 1));
            }
            long tailSize = tail.stream().mapToLong(Piece::size).sum();
            byte[] buffer = new byte[partSize];
            while (true) {
                int want = (int) Math.max(1, partSize - tailSize);
                int n = chunk.readNBytes(buffer, 0, want);
                if (n == want && tailSize + n >= MIN_PART) {
                    // a whole part: the small pieces before it and these bytes, as one piece
                    String key = pieceKey();
                    long length = tailSize + n;
                    InputStream merged = concat(tail, new ByteArrayInputStream(buffer, 0, n));
                    try (merged) {
                        bucket.put(key, merged, length);
                    }
                    parts.add(new Piece(key, length));
                    save(parts, state.size() + n);
                    for (Piece merge : tail) {
                        bucket.delete(merge.key());
                    }
                    tail.clear();
                    tailSize = 0;
                    continue;
                }
                if (n > 0) {
                    String key = pieceKey();
                    bucket.put(key, new ByteArrayInputStream(buffer, 0, n), n);
                    tail.add(new Piece(key, n));
                    List<Piece> all = new ArrayList<>(parts);
                    all.addAll(tail);
                    save(all, state.size() + n);
                }
                return state.size();
            }
        }

        private String pieceKey() {
            return Keys.UPLOADS + id + "/piece-" + Long.toUnsignedString(Records.nonce(), 36);
        }

        /** Records the session's new pieces; fails if another request changed it meanwhile. */
        private void save(List<Piece> pieces, long size) throws IOException {
            UploadState next = new UploadState(state.repository(), state.started(), links.now(), size,
                    List.copyOf(pieces), Records.nonce());
            Optional<String> written = bucket.putIf(Keys.uploadState(id), Records.write(next), Condition.matches(etag));
            if (written.isEmpty()) {
                throw new IOException("upload session " + id + " was changed or ended by another request");
            }
            state = next;
            etag = written.get();
        }

        @Override
        public InputStream read() {
            return concat(state.pieces(), InputStream.nullInputStream());
        }

        /** The pieces' bytes in order, each opened when reached, then {@code last}. */
        private InputStream concat(List<Piece> pieces, InputStream last) {
            return new SequenceInputStream(new Enumeration<>() {
                private int next;

                @Override
                public boolean hasMoreElements() {
                    return next <= pieces.size();
                }

                @Override
                public InputStream nextElement() {
                    if (next > pieces.size()) {
                        throw new NoSuchElementException();
                    }
                    if (next == pieces.size()) {
                        next++;
                        return last;
                    }
                    try {
                        return bucket.open(pieces.get(next++).key());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
        }

        @Override
        public void commit(Digest digest) throws IOException {
            List<Piece> pieces = new ArrayList<>(state.pieces());
            List<Piece> tail = new ArrayList<>();
            while (!pieces.isEmpty() && pieces.get(pieces.size() - 1).size() < MIN_PART) {
                tail.add(0, pieces.remove(pieces.size() - 1));
            }
            if (tail.size() > 1) { // parts but the last must be 5 MiB or more: merge the small ones
                String key = pieceKey();
                long length = tail.stream().mapToLong(Piece::size).sum();
                try (InputStream merged = concat(tail, InputStream.nullInputStream())) {
                    bucket.put(key, merged, length);
                }
                pieces.add(new Piece(key, length));
            } else {
                pieces.addAll(tail);
            }
            List<String> keys = pieces.stream().map(Piece::key).toList();
            Links.Source source = dataKey -> {
                if (keys.isEmpty()) {
                    bucket.put(dataKey, new byte[0]);
                } else {
                    bucket.concatenate(keys, dataKey);
                }
            };
            links.link(repository(), digest, state.size(), Optional.of(source));
            removeSession(id);
        }

        @Override
        public void cancel() throws IOException {
            removeSession(id);
        }
    }
}
