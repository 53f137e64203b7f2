// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * The small JSON records the backend keeps in the bucket. Every record that takes part in a
 * compare-and-swap carries a random {@code nonce}: a new one on every write, so two writes never
 * have equal bytes (and ETags), and the nonce doubles as the collection version.
 */
final class Records {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Records() {
    }

    /** States of a blob link: PENDING while its content is being made sure of. */
    static final String PENDING = "PENDING";
    static final String LIVE = "LIVE";
    static final String COLLECTING = "COLLECTING";
    /** A content record whose data a collector is deleting. */
    static final String DOOMED = "DOOMED";

    /** A repository's link to a blob: the item online GC collects; {@code gen} names the data. */
    record Link(String state, long nonce, long lastUsed, long size, String gen) {
    }

    /** The one record per digest saying which data object holds the content, if any. */
    record Content(String state, String gen, long size, long nonce) {
    }

    /** A manifest of a repository, its bytes and what the collector and referrers need. */
    record ManifestRecord(String state, long nonce, long lastUsed, String mediaType, byte[] content,
                          List<String> references, String subject, String artifactType,
                          Map<String, String> annotations) {
        ManifestRecord with(String newState, long now) {
            return new ManifestRecord(newState, nonce(), now, mediaType, content, references, subject, artifactType,
                    annotations);
        }
    }

    /** A manifest put in progress (gc-superset): its digest and references. */
    record InFlight(String digest, List<String> references) {
    }

    /** One stored piece of an upload. */
    record Piece(String key, long size) {
    }

    /** An upload session. */
    record UploadState(String repository, long started, long lastActivity, long size, List<Piece> pieces, long nonce) {
    }

    /** An entry of a referrers list. */
    record Referrer(String mediaType, String digest, long size, String artifactType, Map<String, String> annotations) {
    }

    static long nonce() {
        long n;
        do {
            n = RANDOM.nextLong();
        } while (n == 0);
        return n;
    }

    static String generation() {
        return Long.toUnsignedString(RANDOM.nextLong(), 36);
    }

    static byte[] write(Object record) {
        try {
            return JSON.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + record, e);
        }
    }

    static <T> T read(byte[] json, Class<T> type, String key) throws IOException {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new IOException("unreadable record " + key + " (" + type.getSimpleName() + "): " + e.getMessage(), e);
        }
    }
}
