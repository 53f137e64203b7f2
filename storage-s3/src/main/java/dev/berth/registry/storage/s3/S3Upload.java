// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.Upload;
import dev.berth.registry.storage.s3.Bucket.Condition;
import dev.berth.registry.storage.s3.Records.Piece;
import dev.berth.registry.storage.s3.Records.UploadState;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/** An upload session of {@link S3UploadHandler}: its chunks as objects, listed by the session record. */
final class S3Upload implements Upload {
    /** A part on its way to S3: the piece it becomes, the bytes it adds to the session. */
    private record InFlightPart(java.util.concurrent.Future<?> upload, Piece piece, long newBytes, List<Piece> merged,
                                byte[] buffer) {
    }

    private final S3UploadHandler handler;
    private final String id;
    private UploadState state;
    private String etag;

    S3Upload(S3UploadHandler handler, String id, UploadState state, String etag) {
        this.handler = handler;
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

    /**
     * Reads the chunk a part at a time; while one part goes to S3 the next is read from the
     * client (two in flight at most). Pieces are recorded in order as their uploads finish;
     * if one fails, what finished before it stays recorded and {@link #size()} tells the
     * truth. Part-sized buffers come from a bounded pool, so the heap they take is capped
     * whatever the number of uploads (a small chunk never takes one).
     */
    @Override
    public long append(InputStream chunk) throws IOException {
        List<Piece> parts = new ArrayList<>(state.pieces());
        List<Piece> tail = S3UploadHandler.takeSmallTail(parts);
        long tailSize = tail.stream().mapToLong(Piece::size).sum();
        java.util.ArrayDeque<InFlightPart> inFlight = new java.util.ArrayDeque<>();
        List<byte[]> held = new ArrayList<>(); // pool buffers this request holds
        try {
            while (true) {
                int want = (int) Math.max(1, handler.partSize - tailSize);
                byte[] buffer = new byte[Math.min(want, S3UploadHandler.SMALL_READ)];
                int n = chunk.readNBytes(buffer, 0, buffer.length);
                if (n == buffer.length && n < want) { // more may follow: read on into a part buffer
                    byte[] large = partBuffer(inFlight, parts, held);
                    System.arraycopy(buffer, 0, large, 0, n);
                    buffer = large;
                    n += chunk.readNBytes(buffer, n, want - n);
                }
                if (n == want && tailSize + n >= S3UploadHandler.MIN_PART) {
                    // a whole part: the small pieces before it and these bytes, as one piece
                    List<Piece> merging = List.copyOf(tail);
                    String key = pieceKey();
                    long length = tailSize + n;
                    byte[] bytes = buffer;
                    int count = n;
                    java.util.concurrent.Future<?> upload = handler.uploader.submit(() -> {
                        try (InputStream merged = concat(merging, new ByteArrayInputStream(bytes, 0, count))) {
                            handler.bucket.put(key, merged, length);
                        }
                        return null;
                    });
                    inFlight.add(new InFlightPart(upload, new Piece(key, length), n, merging, buffer));
                    tail.clear();
                    tailSize = 0;
                    while (inFlight.size() >= 2) {
                        record(inFlight.poll(), parts);
                    }
                    continue;
                }
                while (!inFlight.isEmpty()) {
                    record(inFlight.poll(), parts);
                }
                if (n > 0) {
                    String key = pieceKey();
                    handler.bucket.put(key, new ByteArrayInputStream(buffer, 0, n), n);
                    tail.add(new Piece(key, n));
                    List<Piece> all = new ArrayList<>(parts);
                    all.addAll(tail);
                    save(all, state.size() + n);
                }
                return state.size();
            }
        } finally {
            for (InFlightPart abandoned : inFlight) { // a failure: let uploads already started end
                try {
                    abandoned.upload().get();
                } catch (Exception ignored) {
                    // their pieces are not recorded; expiry or cancel removes them
                }
            }
            held.forEach(handler.buffers::offer);
        }
    }

    /**
     * A part-sized buffer: a free one this request holds, a new one while the pool is under
     * its cap, the buffer of this request's oldest upload once it is done, or (nothing in
     * flight) the next one another request gives back.
     */
    private byte[] partBuffer(java.util.ArrayDeque<InFlightPart> inFlight, List<Piece> parts, List<byte[]> held)
            throws IOException {
        for (byte[] mine : held) {
            if (inFlight.stream().noneMatch(p -> p.buffer() == mine)) {
                return mine;
            }
        }
        byte[] buffer = handler.buffers.poll();
        if (buffer == null && handler.allocated.incrementAndGet() <= handler.maxBuffers) {
            buffer = new byte[handler.partSize];
        } else if (buffer == null) {
            handler.allocated.decrementAndGet();
            if (!inFlight.isEmpty()) {
                InFlightPart oldest = inFlight.poll();
                record(oldest, parts);
                return oldest.buffer();
            }
            try {
                buffer = handler.buffers.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for an upload buffer");
            }
        }
        held.add(buffer);
        return buffer;
    }

    /** Waits for a part's upload and records it (and drops the small pieces it merged). */
    private void record(InFlightPart part, List<Piece> parts) throws IOException {
        try {
            part.upload().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while uploading a part");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        parts.add(part.piece());
        save(parts, state.size() + part.newBytes());
        for (Piece merged : part.merged()) {
            handler.bucket.delete(merged.key());
        }
    }

    private String pieceKey() {
        return Keys.newUploadPiece(id);
    }

    /** Records the session's new pieces; fails if another request changed it meanwhile. */
    private void save(List<Piece> pieces, long size) throws IOException {
        UploadState next = new UploadState(state.repository(), state.started(), handler.links.now(), size,
                List.copyOf(pieces), Records.nonce());
        Optional<String> written = handler.bucket.putIf(Keys.uploadState(id), Records.write(next), Condition.matches(etag));
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
                    return handler.bucket.open(pieces.get(next++).key());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
    }

    @Override
    public void commit(Digest digest) throws IOException {
        List<String> keys = assemblable(state.pieces()).stream().map(Piece::key).toList();
        Links.Source source = dataKey -> {
            if (keys.isEmpty()) {
                handler.bucket.put(dataKey, new byte[0]);
            } else {
                handler.bucket.concatenate(keys, dataKey);
            }
        };
        handler.links.link(repository(), digest, state.size(), Optional.of(source));
        handler.removeSession(id);
    }

    /**
     * The pieces as S3 parts: every part but the last must be 5 MiB or more, so runs of
     * smaller pieces are merged (with the pieces after them, when those are what brings the
     * run to 5 MiB) into one new piece each; a short run at the end stays the last part.
     */
    private List<Piece> assemblable(List<Piece> pieces) throws IOException {
        List<Piece> parts = new ArrayList<>();
        List<Piece> run = new ArrayList<>();
        long runSize = 0;
        for (Piece piece : pieces) {
            if (run.isEmpty() && piece.size() >= S3UploadHandler.MIN_PART) {
                parts.add(piece);
                continue;
            }
            run.add(piece);
            runSize += piece.size();
            if (runSize >= S3UploadHandler.MIN_PART) {
                parts.add(merge(run, runSize));
                run.clear();
                runSize = 0;
            }
        }
        if (!run.isEmpty()) {
            parts.add(run.size() == 1 ? run.get(0) : merge(run, runSize));
        }
        return parts;
    }

    private Piece merge(List<Piece> run, long length) throws IOException {
        String key = pieceKey();
        try (InputStream merged = concat(run, InputStream.nullInputStream())) {
            handler.bucket.put(key, merged, length);
        }
        return new Piece(key, length);
    }

    @Override
    public void cancel() throws IOException {
        handler.removeSession(id);
    }
}
