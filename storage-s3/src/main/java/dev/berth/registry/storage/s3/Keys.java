// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import java.util.Optional;

/**
 * Where things live in the bucket (under the configured prefix). Repository names cannot
 * contain a path component starting with {@code _}, so {@code /_layers/} and friends are
 * unambiguous.
 * <pre>
 * blobs/sha256/HEX/content            which data object holds the blob (a Content record)
 * blobs/sha256/HEX/data-GEN           the blob's bytes
 * repositories/REPO/_layers/sha256/HEX      a Link: the blob belongs to REPO
 * repositories/REPO/_manifests/sha256/HEX   a ManifestRecord
 * repositories/REPO/_tags/TAG               the digest the tag points at
 * repositories/REPO/_referrers/sha256/SUBJECT/sha256/HEX   a Referrer
 * repositories/REPO/_inflight/sha256-HEX.NONCE             a manifest put in progress
 * catalog/REPO!                             REPO has held content ('!' sorts below every
 *                                           name character, so keys list in name order, and
 *                                           catalog/a! never blocks catalog/a/b! on stores
 *                                           that map keys to files)
 * holders/sha256/HEX/REPO!                  REPO holds the blob: the index for mounts without from
 * holders/complete                          every link made before the index has its entry
 * uploads/ID/state, uploads/ID/piece-RANDOM upload sessions (the state lists the pieces in order)
 * </pre>
 */
final class Keys {
    static final String BLOBS = "blobs/";
    static final String REPOSITORIES = "repositories/";
    static final String CATALOG = "catalog/";
    static final String UPLOADS = "uploads/";
    static final String HOLDERS = "holders/";
    static final String LAYERS = "/_layers/";
    static final String INFLIGHT = "/_inflight/";

    private Keys() {
    }

    static String digestPath(Digest d) {
        return d.algorithm().id() + "/" + d.encoded();
    }

    static String content(Digest d) {
        return BLOBS + digestPath(d) + "/content";
    }

    static String data(Digest d, String gen) {
        return BLOBS + digestPath(d) + "/data-" + gen;
    }

    static String repository(Repository r) {
        return REPOSITORIES + r.name() + "/";
    }

    static String layers(Repository r) {
        return REPOSITORIES + r.name() + LAYERS;
    }

    static String link(Repository r, Digest d) {
        return layers(r) + digestPath(d);
    }

    static String manifests(Repository r) {
        return REPOSITORIES + r.name() + "/_manifests/";
    }

    static String manifest(Repository r, Digest d) {
        return manifests(r) + digestPath(d);
    }

    static String tags(Repository r) {
        return REPOSITORIES + r.name() + "/_tags/";
    }

    static String tag(Repository r, Tag t) {
        return tags(r) + t.value();
    }

    static String referrers(Repository r, Digest subject) {
        return REPOSITORIES + r.name() + "/_referrers/" + digestPath(subject) + "/";
    }

    static String referrer(Repository r, Digest subject, Digest d) {
        return referrers(r, subject) + digestPath(d);
    }

    static String inFlight(Repository r) {
        return REPOSITORIES + r.name() + INFLIGHT;
    }

    static String catalog(Repository r) {
        return CATALOG + r.name() + "!";
    }

    /** For {@code catalog/REPO!}: REPO. */
    static Optional<Repository> repositoryOfCatalog(String key) {
        if (!key.startsWith(CATALOG) || !key.endsWith("!")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Repository.parse(key.substring(CATALOG.length(), key.length() - 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static String holders(Digest d) {
        return HOLDERS + digestPath(d) + "/";
    }

    static String holder(Digest d, Repository r) {
        return holders(d) + r.name() + "!";
    }

    static String uploadState(String id) {
        return UPLOADS + id + "/state";
    }

    /** A new piece of upload {@code id}; random, so nodes writing pieces of one session never collide. */
    static String newUploadPiece(String id) {
        return UPLOADS + id + "/piece-" + Long.toUnsignedString(Records.nonce(), 36);
    }

    /** The digest at the end of a key that ends in {@code ALG/HEX}. */
    static Optional<Digest> trailingDigest(String key) {
        int slash = key.lastIndexOf('/');
        int before = slash <= 0 ? -1 : key.lastIndexOf('/', slash - 1);
        if (slash < 0 || before < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(Digest.parse(key.substring(before + 1, slash) + ":" + key.substring(slash + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
