// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.spi.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The few object operations the backend is built from, on one bucket under one key prefix, with
 * S3's failures turned into what the SPI speaks: a missing key is {@link NotFoundException}, a
 * lost condition is an empty result, anything else an {@link IOException} naming the key.
 *
 * <p>A zero-length object is a tombstone: the key existed and was removed by a conditional write
 * (S3 has no atomic compare-and-delete everywhere; s3proxy refuses {@code If-Match} on DELETE).
 * Records are never empty, so listings tell tombstones apart by size alone.
 */
final class Bucket implements AutoCloseable {
    /** An object as read: its bytes, its ETag (the compare-and-swap token), when it was written. */
    record Stored(byte[] body, String etag, Instant lastModified) {
        boolean tombstone() {
            return body.length == 0;
        }
    }

    /** A listed key (relative to the prefix), with the ETag of the version listed. */
    record Entry(String key, long size, Instant lastModified, String etag) {
    }

    /** What a conditional write requires of the key's current state. */
    record Condition(Optional<String> ifMatch, boolean ifAbsent) {
        static Condition absent() {
            return new Condition(Optional.empty(), true);
        }

        static Condition matches(String etag) {
            return new Condition(Optional.of(etag), false);
        }

        /** The key holds {@code current} (an ETag), or is absent when {@code current} is empty. */
        static Condition of(Optional<Stored> current) {
            return current.map(s -> matches(s.etag())).orElseGet(Condition::absent);
        }
    }

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;

    Bucket(S3Client s3, S3Presigner presigner, String bucket, String prefix) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    /** The object at {@code key}, tombstones included; empty when there is none. */
    Optional<Stored> read(String key) throws IOException {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + key));
            GetObjectResponse response = bytes.response();
            return Optional.of(new Stored(bytes.asByteArray(), response.eTag(), response.lastModified()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("read", key, e);
        } catch (SdkException e) {
            throw failure("read", key, e);
        }
    }

    /** A live record at {@code key}: empty when absent or a tombstone. */
    Optional<Stored> readLive(String key) throws IOException {
        return read(key).filter(s -> !s.tombstone());
    }

    /** Whether an object (a tombstone included) is at {@code key}. */
    boolean exists(String key) throws IOException {
        try {
            s3.headObject(b -> b.bucket(bucket).key(prefix + key));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw failure("inspect", key, e);
        } catch (SdkException e) {
            throw failure("inspect", key, e);
        }
    }

    /** A stream of the object's bytes; the caller closes it. */
    InputStream open(String key) throws IOException {
        try {
            ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(prefix + key));
            return in;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NotFoundException("no object " + key);
            }
            throw failure("read", key, e);
        } catch (SdkException e) {
            throw failure("read", key, e);
        }
    }

    /** Writes {@code body} whatever is there; returns the new ETag. */
    String put(String key, byte[] body) throws IOException {
        try {
            return s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromBytes(body)).eTag();
        } catch (SdkException e) {
            throw failure("write", key, e);
        }
    }

    /** Streams {@code length} bytes of {@code content} to {@code key}. */
    void put(String key, InputStream content, long length) throws IOException {
        try {
            s3.putObject(b -> b.bucket(bucket).key(prefix + key), RequestBody.fromInputStream(content, length));
        } catch (SdkException e) {
            throw failure("write", key, e);
        }
    }

    /**
     * Writes {@code body} only if the key is as {@code condition} says; returns the new ETag, or
     * empty when the condition failed. A 412 is read back before it is believed: the SDK retries
     * a write whose answer was lost, and the retry meets the write it retried. Bodies carry a
     * random nonce, so equal bytes mean this write won.
     */
    Optional<String> putIf(String key, byte[] body, Condition condition) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(prefix + key);
                condition.ifMatch().ifPresent(request::ifMatch);
                if (condition.ifAbsent()) {
                    request.ifNoneMatch("*");
                }
                return Optional.of(s3.putObject(request.build(), RequestBody.fromBytes(body)).eTag());
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    Optional<Stored> now = read(key);
                    if (now.isPresent() && Arrays.equals(now.get().body(), body)) {
                        return Optional.of(now.get().etag());
                    }
                    return Optional.empty();
                }
                if (e.statusCode() == 409 && attempt < 5) { // ConditionalRequestConflict: a racing write; try again
                    pause(attempt);
                    continue;
                }
                throw failure("write", key, e);
            } catch (SdkException e) {
                throw failure("write", key, e);
            }
        }
    }

    void delete(String key) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(prefix + key));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw failure("delete", key, e);
            }
        } catch (SdkException e) {
            throw failure("delete", key, e);
        }
    }

    /** Every key under {@code under}, in key order, strictly after {@code startAfter} if given. */
    void list(String under, Optional<String> startAfter, Consumer<Entry> each) throws IOException {
        listUntil(under, startAfter, entry -> {
            each.accept(entry);
            return true;
        });
    }

    /** Like {@link #list} but stops when {@code each} answers false. */
    void listUntil(String under, Optional<String> startAfter, java.util.function.Predicate<Entry> each)
            throws IOException {
        String token = null;
        try {
            do {
                ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket)
                        .prefix(prefix + under).maxKeys(1000);
                if (token != null) {
                    request.continuationToken(token);
                } else {
                    startAfter.ifPresent(after -> request.startAfter(prefix + after));
                }
                ListObjectsV2Response page = s3.listObjectsV2(request.build());
                for (S3Object object : page.contents()) {
                    if (!each.test(new Entry(object.key().substring(prefix.length()), object.size(),
                            object.lastModified(), object.eTag()))) {
                        return;
                    }
                }
                token = page.isTruncated() ? page.nextContinuationToken() : null;
            } while (token != null);
        } catch (SdkException e) {
            throw failure("list", under, e);
        }
    }

    /** The keys under {@code under}, tombstones left out. */
    List<Entry> listLive(String under) throws IOException {
        List<Entry> entries = new ArrayList<>();
        list(under, Optional.empty(), e -> {
            if (e.size() > 0) {
                entries.add(e);
            }
        });
        return entries;
    }

    /**
     * Makes {@code to} the concatenation of {@code pieces} inside the store: one copy for a single
     * piece, a multipart upload of part copies otherwise (every piece but the last is at least
     * 5 MiB, as S3 requires of parts).
     */
    void concatenate(List<String> pieces, String to) throws IOException {
        try {
            PartCopies.concatenate(s3, bucket, prefix, pieces, to);
        } catch (SdkException e) {
            throw failure("assemble", to, e);
        }
    }

    /** A URL that lets its holder GET {@code key} for {@code ttl}, without credentials. */
    URI presignGet(String key, Duration ttl) {
        return URI.create(presigner.presignGetObject(p -> p.signatureDuration(ttl)
                .getObjectRequest(g -> g.bucket(bucket).key(prefix + key))).url().toString());
    }

    private IOException failure(String action, String key, SdkException e) {
        return new IOException("S3 bucket " + bucket + ": could not " + action + " " + prefix + key + ": "
                + e.getMessage(), e);
    }

    private static void pause(int attempt) throws IOException {
        try {
            Thread.sleep(20L << attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while retrying a write");
        }
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }
}
