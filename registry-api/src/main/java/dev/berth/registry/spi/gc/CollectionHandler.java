// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi.gc;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Storage;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What an online collector needs (a {@link CollectableStorage} hands it out) to reclaim space while pushes
 * and pulls go on, with no lock held across requests and no read-only window.
 *
 * <p>The unit of collection is an {@link Item}: a blob as linked into one repository, or a
 * manifest of one repository. Each has a lifecycle, changed only by compare-and-swap on its
 * {@link Item#version()}:
 * <pre>
 *   LIVE --claim--&gt; COLLECTING --sweep--&gt; gone
 *                    COLLECTING --release, or any use--&gt; LIVE
 * </pre>
 * A collector lists items, claims those nothing references, reads {@link #references} again,
 * releases what became referenced and sweeps the rest. Safety rests on two clauses that the
 * backend's other handlers keep:
 * <ul>
 * <li>gc-rescue: any use of an item in repo returns a COLLECTING item to LIVE with a new
 *     version, before the use is answered, so the collector's {@link #sweep} of it fails. A use
 *     is a blob {@code get}, {@code stat}, {@code put}, upload commit, {@code mount} (its source
 *     and its target), a manifest {@code put} of the same digest, and a manifest {@code put}
 *     that references the item (manifest-put-5).
 * <li>gc-superset: {@link #references} includes everything a manifest of repo references
 *     and the digest of every manifest being put, from before that put checks its references
 *     until after the manifest is deleted.
 * </ul>
 * Together: a manifest acknowledged by a put never points at a swept item, whatever the
 * interleaving (a put that finds an item already swept fails with {@link NotFoundException},
 * which clients see as {@code MANIFEST_BLOB_UNKNOWN} and answer by pushing the blob again).
 */
public interface CollectionHandler {

    /** What kind of thing an {@link Item} is. */
    enum Kind { BLOB, MANIFEST }

    /** Where an item is in its lifecycle; a swept item is not listed at all. */
    enum State { LIVE, COLLECTING }

    /**
     * A blob of a repository or a manifest, as listed.
     *
     * @param version  opaque; changes on every state change, so a claim or sweep with a stale
     *                 item fails. A use of a COLLECTING item changes it (gc-rescue); a write that
     *                 uses a LIVE item may (a claim with the older version then fails, which is
     *                 safe); a get or stat of a LIVE item need not (reads stay read-only)
     * @param lastUsed when the item was last pushed, mounted or rescued: what the grace period
     *                 is measured from
     * @param size     bytes the item occupies (a blob's content, a manifest's bytes)
     */
    record Item(Kind kind, Digest digest, State state, long version, Instant lastUsed, long size) {
        public Item {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(digest, "digest");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(lastUsed, "lastUsed");
        }
    }

    /**
     * A manifest with what marking needs.
     *
     * @param references what the manifest points at (blobs, child manifests), as given to put
     * @param tags       the tags of the repository that point at it now
     */
    record StoredManifest(Item item, Set<Digest> references, Optional<Digest> subject, Set<Tag> tags) {
        public StoredManifest {
            Objects.requireNonNull(item, "item");
            references = Set.copyOf(references);
            Objects.requireNonNull(subject, "subject");
            tags = Set.copyOf(tags);
        }
    }

    /**
     * gc-blobs: every blob linked into {@code repo}, with its state; unknown repo: empty.
     */
    List<Item> blobs(Repository repo) throws IOException;

    /** gc-manifests: every manifest of {@code repo}, with its references and tags. */
    List<StoredManifest> manifests(Repository repo) throws IOException;

    /**
     * gc-superset (see above): digests referenced by the manifests of {@code repo}, plus the
     * digests and references of manifest puts in progress. May hold more, never less.
     */
    Set<Digest> references(Repository repo) throws IOException;

    /**
     * gc-claim: moves {@code seen} to COLLECTING if it is unchanged since listed (same state,
     * same version) and returns the claimed item with its new version; empty if it changed or
     * is gone. Claiming a COLLECTING item (left by a collector that died) is allowed and takes
     * it over. Claims need not survive a restart: a backend may keep them in memory (after a
     * restart every item is LIVE again, as with the disk backend) or durably (an item left
     * COLLECTING is taken over by the next claim, as with the S3 backend); either way gc-rescue
     * applies to an item left COLLECTING.
     */
    Optional<Item> claim(Repository repo, Item seen) throws IOException;

    /** gc-release: moves a claimed item back to LIVE if still claimed as {@code claimed}. */
    void release(Repository repo, Item claimed) throws IOException;

    /**
     * gc-sweep: removes a claimed item if it is still claimed as {@code claimed} (nothing used
     * it since): a blob's link in {@code repo}, and its content once no repository links it
     * (here, or later in {@link #reclaimUnlinked}, which the collector calls at the end of each
     * pass); a manifest with its referrers entry (no tag points at an unreferenced manifest).
     * Returns the bytes freed now: a manifest's size (manifests are stored per repository), a
     * blob's size when its content went with its last link, 0 when the content is still linked
     * elsewhere or goes later; empty if the claim was lost and nothing was removed. A swept manifest is gone durably on return; a swept blob
     * link may come back after a crash (the next pass sweeps it again), but a crash must never
     * bring back a manifest whose blobs stay gone.
     */
    OptionalLong sweep(Repository repo, Item claimed) throws IOException;

    /**
     * gc-unlinked: deletes stored content that no repository links and that was last written
     * before {@code cutoff} (left by a crash between unlinking and deleting, or by a backend
     * that stores content before linking it). Returns the bytes freed. The cutoff ages
     * leftovers; it does not protect writes in progress: content that a put, mount or upload
     * commit is storing or linking now must survive whatever the cutoff, since the collector
     * passes its start minus the grace period and the grace may be 0 (the disk backend locks the
     * digest; the S3 backend ages leftovers by a separate hour).
     */
    long reclaimUnlinked(Instant cutoff) throws IOException;
}
