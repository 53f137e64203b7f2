// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.Upload;
import dev.berth.registry.spi.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * end-4 (POST: session, single-request push, mount), end-5 (PATCH), end-6 (PUT), end-13 (GET
 * status), end-14 (DELETE). Bytes stream from the request through a hash into the backend's
 * session; the hash state lives in {@link UploadHashes} and is rebuilt from the stored bytes
 * when it is missing (after a restart, or on another node).
 */
final class Uploads {
    private static final Pattern CONTENT_RANGE = Pattern.compile("(?:bytes[ =])?(\\d+)-(\\d+)(?:/(?:\\d+|\\*))?");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RegistryOptions options;
    private final UploadHashes hashes = new UploadHashes();
    private final UploadLimits limits;
    private final Mounts mounts;

    Uploads(RegistryOptions options) {
        this.options = options;
        this.mounts = new Mounts(options);
        this.limits = new UploadLimits(options.maxUploadSessionsPerClient(), options.uploadSessionIdle());
    }

    int openSessions() {
        return limits.total();
    }

    void start(Exchange ex) throws IOException {
        Repository repo = ex.repository();
        if (options.blobOverride().isPresent() && options.view().put().isEmpty()) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, 405, "this registry serves blobs from a read-only"
                    + " blob handler: pulls work, blob pushes do not", null);
        }
        Optional<String> mount = ex.query("mount");
        if (mount.isPresent() && mounts.mountWithinQuotas(ex, repo, Names.digest(mount.get()))) {
            blobCreated(ex, repo, Names.digest(mount.get()));
            return;
        }
        Digest.Algorithm algorithm = ex.query("digest-algorithm").map(Uploads::algorithm)
                .orElse(Digest.Algorithm.SHA256);
        Optional<Digest> digest = ex.query("digest").map(Names::digest);
        if (digest.isPresent()) {
            algorithm = digest.get().algorithm();
        }
        if (digest.isPresent() && options.view().put().isPresent() && (ex.contentLength() >= 0 || !options.quotas().applies(repo))) {
            // end-4b: the whole blob in one POST goes straight to the backend: no session, nothing to clean up
            try (QuotaReservation held = options.quotas().reserve(repo, digest.get(), ex.contentLength())) {
                options.view().put().get().put(repo, digest.get(), new VerifyingInputStream(ex.body(), digest.get(), -1));
                held.committed();
            }
            blobCreated(ex, repo, digest.get());
            return;
        }
        String id = newId();
        if (digest.isEmpty()) { // a single-request push leaves no session open: never refused for open ones
            limits.admit(UploadLimits.client(ex), id, options.view().uploads());
        }
        Upload upload;
        try {
            upload = options.view().uploads().create(repo, id);
        } catch (IOException | RuntimeException e) {
            limits.release(id);
            throw e;
        }
        hashes.start(upload.id(), algorithm);
        if (digest.isPresent()) { // end-4b: the whole blob in one POST
            try {
                long size = receiveWithin(upload, 0, ex, -1);
                commit(upload, size, digest.get());
            } catch (IOException | RuntimeException e) {
                discard(upload);
                throw e;
            }
            blobCreated(ex, repo, digest.get());
            return;
        }
        options.view().partSizes().ifPresent(parts ->
                ex.header("OCI-Chunk-Min-Length", Long.toString(parts.minimumChunkLength())));
        uploadStatus(ex, upload, 0, 202);
    }

    void status(Exchange ex) throws IOException {
        Upload upload = open(ex);
        try (UploadLimits.Use used = limits.use(upload.id())) {
            uploadStatus(ex, upload, upload.size(), 204);
        }
    }

    void append(Exchange ex) throws IOException {
        Upload upload = open(ex);
        try (UploadLimits.Use used = limits.use(upload.id()); UploadHashes.Held held = hashes.hold(upload.id())) {
            long size = upload.size();
            long declared = checkContentRange(ex, upload, size);
            options.quotas().checkChunk(upload.repository(), size, Math.max(declared, ex.contentLength()));
            long newSize = receiveWithin(upload, size, ex, declared);
            uploadStatus(ex, upload, newSize, 202);
        }
    }

    void finish(Exchange ex) throws IOException {
        Upload upload = open(ex);
        Digest digest = Names.digest(ex.query("digest").orElseThrow(() -> new RegistryException(
                ErrorCode.DIGEST_INVALID, "closing PUT needs ?digest= of the whole blob")));
        try (UploadLimits.Use used = limits.use(upload.id()); UploadHashes.Held held = hashes.hold(upload.id())) {
            finishHeld(ex, upload, digest);
        }
    }

    private void finishHeld(Exchange ex, Upload upload, Digest digest) throws IOException {
        long size = upload.size();
        if (ex.hasBody() || ex.header("Content-Range").isPresent()) {
            long declared = checkContentRange(ex, upload, size);
            options.quotas().checkChunk(upload.repository(), size, Math.max(declared, ex.contentLength()));
            size = receiveWithin(upload, size, ex, declared);
        }
        try {
            commit(upload, size, digest);
        } catch (RegistryException e) {
            if (e.code() == ErrorCode.DIGEST_INVALID || e.code() == ErrorCode.DENIED) {
                discard(upload); // the bytes can never become this digest, or have no room: the client starts over
            }
            throw e;
        }
        blobCreated(ex, upload.repository(), digest);
    }

    void cancel(Exchange ex) throws IOException {
        Upload upload = open(ex);
        hashes.forget(upload.id());
        limits.release(upload.id());
        upload.cancel();
        ex.status(204);
    }

    int expire(Instant cutoff) throws IOException {
        hashes.forgetIdleBefore(cutoff);
        return options.view().uploads().expire(cutoff);
    }

    /**
     * Streams a chunk into the session, which holds {@code before} bytes, extending the hash when it
     * is in step with them; returns the new size.
     */
    private long receive(Upload upload, long before, InputStream body, long declared) throws IOException {
        InputStream chunk = declared >= 0 ? new BoundedInputStream(body, declared) : body;
        return hashes.append(upload, before, chunk);
    }

    /** {@link #receive}, the body cut off where a quota's room ends; a refused session is discarded. */
    private long receiveWithin(Upload upload, long before, Exchange ex, long declared) throws IOException {
        try {
            return receive(upload, before, options.quotas().limited(upload.repository(), before, ex.body()), declared);
        } catch (RegistryException e) {
            discard(upload); // part of the chunk may be in the session: it can never be committed whole
            throw e;
        }
    }

    /** Verifies the session's {@code size} bytes hash to {@code digest} and makes them the blob. */
    private void commit(Upload upload, long size, Digest digest) throws IOException {
        Digest actual = hashes.finish(upload, size, digest.algorithm());
        if (!actual.equals(digest)) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "uploaded content (" + size
                    + " bytes) hashes to " + actual + ", not " + digest);
        }
        try (QuotaReservation held = options.quotas().reserve(upload.repository(), digest, size)) {
            store(upload, size, digest);
            held.committed();
        }
        hashes.forget(upload.id());
        limits.release(upload.id());
    }

    private void store(Upload upload, long size, Digest digest) throws IOException {
        if (options.blobOverride().isPresent()) {
            BlobPutHandler put = options.view().put().orElseThrow(() -> new RegistryException(
                    ErrorCode.UNSUPPORTED, "this registry's blob handler does not store blobs"));
            try (InputStream content = upload.read()) {
                put.put(upload.repository(), digest, new VerifyingInputStream(content, digest, size));
            }
            upload.cancel();
        } else {
            upload.commit(digest);
        }
    }

    private void discard(Upload upload) {
        hashes.forget(upload.id());
        limits.release(upload.id());
        try {
            upload.cancel();
        } catch (IOException e) {
            options.logger().log(System.Logger.Level.WARNING, "could not cancel upload " + upload.id(), e);
        }
    }

    /** end-5: a Content-Range must start where the session ends (416 otherwise); returns its length or -1. */
    private long checkContentRange(Exchange ex, Upload upload, long size) {
        Optional<String> header = ex.header("Content-Range");
        if (header.isEmpty()) {
            return -1;
        }
        Matcher m = CONTENT_RANGE.matcher(header.get().trim());
        if (!m.matches()) {
            throw outOfOrder(ex, upload, size, "malformed Content-Range " + Router.printable(header.get())
                    + " (want start-end, inclusive)");
        }
        long start;
        long end;
        try {
            start = Long.parseLong(m.group(1));
            end = Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            throw outOfOrder(ex, upload, size, "Content-Range out of bounds");
        }
        if (start != size || end < start) {
            throw outOfOrder(ex, upload, size, "chunk " + start + "-" + end + " does not continue the upload at offset "
                    + size);
        }
        long length = end - start + 1;
        long contentLength = ex.contentLength();
        if (contentLength >= 0 && contentLength != length) {
            throw new RegistryException(ErrorCode.SIZE_INVALID, "Content-Range spans " + length
                    + " bytes but Content-Length is " + contentLength);
        }
        return length;
    }

    private static RegistryException outOfOrder(Exchange ex, Upload upload, long size, String message) {
        return new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, 416, message, null)
                .header("Location", uploadLocation(upload))
                .header("Range", range(size))
                .header("Docker-Upload-UUID", upload.id());
    }

    private Upload open(Exchange ex) throws IOException {
        Repository repo = ex.repository();
        String id = ex.path("id");
        if (!id.matches("[A-Za-z0-9_-]{1,128}")) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "no such upload session");
        }
        Upload upload = options.view().uploads().open(id);
        if (!upload.repository().equals(repo)) { // sessions are bound to the repository that opened them
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "no such upload session in " + repo);
        }
        return upload;
    }

    private static void uploadStatus(Exchange ex, Upload upload, long size, int status) {
        ex.header("Location", uploadLocation(upload));
        ex.header("Range", range(size));
        ex.header("Docker-Upload-UUID", upload.id());
        ex.status(status);
    }

    private static void blobCreated(Exchange ex, Repository repo, Digest digest) {
        ex.header("Location", "/v2/" + repo + "/blobs/" + digest);
        ex.header("Docker-Content-Digest", digest.toString());
        ex.status(201);
    }

    private static String uploadLocation(Upload upload) {
        return "/v2/" + upload.repository() + "/blobs/uploads/" + upload.id();
    }

    /** {@code 0-<last byte>}; an empty session reports {@code 0-0} as CNCF distribution does. */
    private static String range(long size) {
        return "0-" + Math.max(0, size - 1);
    }

    private static Digest.Algorithm algorithm(String id) {
        try {
            return Digest.Algorithm.parse(id);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, e.getMessage());
        }
    }

    private static String newId() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
