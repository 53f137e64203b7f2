// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.SizeMismatchException;
import dev.berth.registry.spi.DigestMismatchException;
import dev.berth.registry.spi.BlobDeleteHandler;
import dev.berth.registry.spi.FileBacked;
import dev.berth.registry.spi.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** end-2 (GET/HEAD blob, with single ranges) and end-10 (DELETE blob). */
final class Blobs {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private final RegistryOptions options;
    private final MirroredBlobs mirrored;

    Blobs(RegistryOptions options) {
        this.options = options;
        this.mirrored = new MirroredBlobs(options);
    }

    void get(Exchange ex) throws IOException {
        Repository repo = ex.repository();
        Digest digest = ex.pathDigest("digest");
        try {
            serveStored(ex, options.view(), repo, digest,
                    () -> ex.mirror.ifPresent(m -> m.client().counts.hits.increment()));
        } catch (NotFoundException e) {
            if (ex.mirror.isEmpty()) {
                throw e;
            }
            mirrored.serve(ex, ex.mirror.get(), digest);
        }
    }

    /**
     * The blob as {@code storage} holds it in {@code repo}, with its headers; NotFoundException when it does not.
     * {@code found} runs once the blob is known to be there, before any byte is sent, so what it counts is
     * counted by the time the client has its answer.
     */
    static void serveStored(Exchange ex, StorageView storage, Repository repo, Digest digest, Runnable found)
            throws IOException {
        ex.header("Docker-Content-Digest", digest.toString());
        ex.header("Content-Type", "application/octet-stream");
        ex.header("ETag", "\"" + digest + "\"");
        ex.header("Cache-Control", "max-age=31536000");
        if (ex.isHead() && storage.stat().isPresent()) {
            long size = storage.stat().get().stat(repo, digest); // HEAD never opens the content
            found.run();
            ex.response.setStatus(200);
            ex.header("Accept-Ranges", "bytes");
            ex.response.setContentLengthLong(size);
            return;
        }
        try (InputStream in = storage.blobs().get(repo, digest)) {
            found.run();
            send(ex, storage, repo, digest, in);
        } catch (DigestMismatchException | SizeMismatchException e) {
            // stored content that fails its digest is the storage's fault, never the client's (a 500)
            throw new IOException("stored blob " + digest + " in " + repo + " is corrupt: " + e.getMessage(), e);
        }
    }

    private static void send(Exchange ex, StorageView storage, Repository repo, Digest digest, InputStream in)
            throws IOException {
        // a file-backed stream knows its size; others are asked through stat, if they can answer
        OptionalLong size = in instanceof FileBacked file ? OptionalLong.of(file.channel().size())
                : storage.stat().isPresent() ? OptionalLong.of(storage.stat().get().stat(repo, digest))
                : OptionalLong.empty();
        if (size.isEmpty()) {
            sendUnknownLength(ex, in);
            return;
        }
        ex.header("Accept-Ranges", "bytes");
        long total = size.getAsLong();
        Optional<long[]> range = ex.header("Range").flatMap(h -> parseRange(h, total));
        long start = 0;
        long length = total;
        if (range.isPresent()) {
            start = range.get()[0];
            length = range.get()[1] - start + 1;
            ex.response.setStatus(206);
            ex.header("Content-Range", "bytes " + start + "-" + range.get()[1] + "/" + total);
        } else {
            ex.response.setStatus(200);
        }
        ex.response.setContentLengthLong(length);
        if (ex.isHead()) {
            return;
        }
        if (in instanceof FileBacked file && ex.request.getServletContext().getAttribute(FileSender.ATTRIBUTE)
                instanceof FileSender sender) {
            sender.send(ex.request, ex.response, file.channel(), start, length);
            return;
        }
        if (start > 0) {
            in.skipNBytes(start);
        }
        copy(in, ex.response.getOutputStream(), length);
    }

    /** Without stat, HEAD counts the bytes and GET streams them with chunked encoding. */
    private static void sendUnknownLength(Exchange ex, InputStream in) throws IOException {
        ex.response.setStatus(200);
        if (ex.isHead()) {
            ex.response.setContentLengthLong(in.transferTo(OutputStream.nullOutputStream()));
            return;
        }
        in.transferTo(ex.response.getOutputStream());
    }

    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long remaining = length;
        while (remaining > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new IOException("blob ended " + remaining + " bytes early: the backend's stat and get disagree");
            }
            out.write(buffer, 0, n);
            remaining -= n;
        }
    }

    /**
     * One {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n} range, clipped to the blob;
     * other syntax (several ranges, other units) is ignored as RFC 9110 allows. A range that
     * starts past the end is 416 with {@code Content-Range: bytes * /size}.
     */
    static Optional<long[]> parseRange(String header, long size) {
        Matcher m = RANGE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return Optional.empty();
        }
        long start;
        long end;
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0) {
                    throw unsatisfiable(size);
                }
                start = Math.max(0, size - suffix);
                end = size - 1;
            } else {
                start = Long.parseLong(m.group(1));
                end = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
                if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < start) {
                    // RFC 9110 would ignore it; registries (distribution) and the OCI conformance suite answer 416
                    throw unsatisfiable(size);
                }
            }
        } catch (NumberFormatException e) {
            throw unsatisfiable(size); // digits beyond a long
        }
        if (start >= size) {
            throw unsatisfiable(size);
        }
        return Optional.of(new long[] {start, end});
    }

    private static RegistryException unsatisfiable(long size) {
        return new RegistryException(ErrorCode.SIZE_INVALID, 416, "range not satisfiable for a blob of "
                + size + " bytes", null).header("Content-Range", "bytes */" + size);
    }

    void delete(Exchange ex) throws IOException {
        Repository repo = ex.repository();
        Digest digest = ex.pathDigest("digest");
        BlobDeleteHandler deleter = options.view().delete().orElseThrow(() -> new RegistryException(
                ErrorCode.UNSUPPORTED, "this registry's storage does not delete blobs"));
        deleter.delete(repo, digest);
        options.quotas().forget(repo); // measured again at the next push: the room is back
        ex.status(202);
        ex.emit(options, RegistryEvent.Type.BLOB_DELETED, repo, digest, java.util.List.of(), null, 0);
    }
}
