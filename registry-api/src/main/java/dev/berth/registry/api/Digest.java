// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A content digest {@code algorithm:encoded} (image-spec descriptor.md#digests). Only the
 * registered algorithms {@code sha256} and {@code sha512} are accepted, with lowercase hex of
 * the exact length, so a value of this type always names content that can be verified.
 */
public record Digest(Algorithm algorithm, String encoded) implements Reference {

    /** The digest algorithms a registry must be able to verify. */
    public enum Algorithm {
        SHA256("sha256", "SHA-256", 64),
        SHA512("sha512", "SHA-512", 128);

        private final String id;
        private final String jcaName;
        private final int hexLength;

        Algorithm(String id, String jcaName, int hexLength) {
            this.id = id;
            this.jcaName = jcaName;
            this.hexLength = hexLength;
        }

        /** The algorithm as written in a digest string, e.g. {@code sha256}. */
        public String id() {
            return id;
        }

        /** Length of the hex-encoded part. */
        public int hexLength() {
            return hexLength;
        }

        /** A fresh hasher for this algorithm. */
        public MessageDigest newMessageDigest() {
            try {
                return MessageDigest.getInstance(jcaName);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(jcaName + " is required of every JDK", e);
            }
        }

        /** Parses {@code sha256} or {@code sha512}; anything else is unsupported. */
        public static Algorithm parse(String id) {
            for (Algorithm a : values()) {
                if (a.id.equals(id)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unsupported digest algorithm: " + printable(id));
        }
    }

    public Digest {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(encoded, "encoded");
        if (encoded.length() != algorithm.hexLength || !isLowerHex(encoded)) {
            throw new IllegalArgumentException("invalid " + algorithm.id + " digest: expected "
                    + algorithm.hexLength + " lowercase hex characters, got " + printable(encoded));
        }
    }

    /** Parses {@code sha256:<64 hex>} or {@code sha512:<128 hex>}. */
    public static Digest parse(String s) {
        Objects.requireNonNull(s, "digest");
        int colon = s.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("invalid digest (want algorithm:hex): " + printable(s));
        }
        return new Digest(Algorithm.parse(s.substring(0, colon)), s.substring(colon + 1));
    }

    /** Whether {@code s} looks like a digest (has an algorithm separator), valid or not. */
    public static boolean looksLikeDigest(String s) {
        return s.indexOf(':') >= 0;
    }

    /** The digest of a finished hash. */
    public static Digest of(Algorithm algorithm, MessageDigest finished) {
        return new Digest(algorithm, HexFormat.of().formatHex(finished.digest()));
    }

    /** The digest of bytes held in memory (manifests; never blobs). */
    public static Digest of(Algorithm algorithm, byte[] content) {
        MessageDigest md = algorithm.newMessageDigest();
        md.update(content);
        return of(algorithm, md);
    }

    /** The sha256 digest of bytes held in memory. */
    public static Digest sha256(byte[] content) {
        return of(Algorithm.SHA256, content);
    }

    @Override
    public String toString() {
        return algorithm.id + ":" + encoded;
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** Bounds and quotes user input before it goes into an error message. */
    static String printable(String s) {
        String cut = s.length() > 140 ? s.substring(0, 140) + "…" : s;
        StringBuilder b = new StringBuilder("\"");
        for (char c : cut.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.append('"').toString();
    }
}
