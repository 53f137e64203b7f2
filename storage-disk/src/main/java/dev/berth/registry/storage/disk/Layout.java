// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import java.nio.file.Path;

/**
 * Where everything lives under the data directory (documented in docs/operating.md, "The disk backend: guarantees and layout"):
 * <pre>
 * blobs/sha256/ab/abcd…                 blob content, immutable, stored once
 * repositories/NAME/_blobs/sha256/abcd… empty: this blob was pushed or mounted into NAME
 * repositories/NAME/_manifests/sha256/… a text header (media type, references, subject), an
 *                                       empty line, then the manifest's exact bytes
 * repositories/NAME/_tags/TAG           the digest the tag points at
 * repositories/NAME/_referrers/sha256/SUBJECT/sha256-REFERRER   one referrers entry
 * holders/sha256/ab/abcd…/NAME         empty: NAME (with / as +) holds the blob; an index for
 *                                       mounts without from, rebuilt from the links by the collector
 * uploads/ID/repository, uploads/ID/data   an open upload session
 * tmp/                                  files being written; anything here after a crash is garbage
 * quarantine/                           blob files that failed verification, kept for inspection
 * </pre>
 * Repository name components start with [a-z0-9], so they never collide with the {@code _}
 * directories, and never hold {@code ..}.
 */
record Layout(Path root) {
    Path blobs() {
        return root.resolve("blobs");
    }

    Path blob(Digest d) {
        return blobs().resolve(d.algorithm().id()).resolve(d.encoded().substring(0, 2)).resolve(d.encoded());
    }

    Path repositories() {
        return root.resolve("repositories");
    }

    Path repository(Repository repo) {
        return repositories().resolve(repo.name());
    }

    Path blobLink(Repository repo, Digest d) {
        return repository(repo).resolve("_blobs").resolve(d.algorithm().id()).resolve(d.encoded());
    }

    Path manifests(Repository repo) {
        return repository(repo).resolve("_manifests");
    }

    Path manifest(Repository repo, Digest d) {
        return manifests(repo).resolve(d.algorithm().id()).resolve(d.encoded());
    }

    Path tags(Repository repo) {
        return repository(repo).resolve("_tags");
    }

    Path tag(Repository repo, Tag tag) {
        return tags(repo).resolve(tag.value());
    }

    /** {@code _pulls/TAG}: when the tag was last pulled, in epoch milliseconds. */
    Path pull(Repository repo, Tag tag) {
        return repository(repo).resolve("_pulls").resolve(tag.value());
    }

    Path referrers(Repository repo, Digest subject) {
        return repository(repo).resolve("_referrers").resolve(subject.algorithm().id()).resolve(subject.encoded());
    }

    Path referrer(Repository repo, Digest subject, Digest referrer) {
        return referrers(repo, subject).resolve(referrer.algorithm().id() + "-" + referrer.encoded());
    }

    Path holders() {
        return root.resolve("holders");
    }

    Path uploads() {
        return root.resolve("uploads");
    }

    Path upload(String id) {
        return uploads().resolve(id);
    }

    Path tmp() {
        return root.resolve("tmp");
    }

    Path quarantine() {
        return root.resolve("quarantine");
    }
}
