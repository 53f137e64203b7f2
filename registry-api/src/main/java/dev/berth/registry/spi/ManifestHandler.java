// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Stores manifests, tags, the referrers index and repository membership. */
public interface ManifestHandler {
    /**
     * manifest-get-1: the exact bytes and media type stored for {@code digest} in {@code repo}.
     * manifest-get-2: unknown in {@code repo} throws {@link NotFoundException}.
     */
    Manifest get(Repository repo, Digest digest) throws IOException;

    /**
     * tag-1: the digest {@code tag} points at. tag-2: an unknown tag throws
     * {@link NotFoundException}.
     */
    Digest resolve(Repository repo, Tag tag) throws IOException;

    /**
     * manifest-put-1: stores the manifest, then points every tag in {@code tags} at it,
     * replacing what they pointed at; returns once both are durable. manifest-put-2: the same
     * digest stored twice is one manifest. manifest-put-3: a manifest with a {@code subject}
     * is listed by {@link #referrers} of that subject from then on. manifest-put-4: the
     * manifest is visible before any tag points at it, so a reader never resolves a tag to a
     * manifest it cannot get.
     * manifest-put-5: (a {@link dev.berth.registry.spi.gc.CollectableStorage}) first records the manifest's
     * digest and references as in use (gc-superset), then checks that each {@link PushedManifest#required} reference is a blob
     * or manifest of {@code repo}, rescuing it if it is being collected (gc-rescue), and throws
     * {@link NotFoundException} naming the digest when one is missing or already swept.
     */
    void put(Repository repo, PushedManifest manifest, Set<Tag> tags) throws IOException;

    /**
     * manifest-delete-1: removes the manifest, every tag of {@code repo} pointing at it, and its
     * referrers entry. manifest-delete-2: unknown throws {@link NotFoundException}.
     */
    void delete(Repository repo, Digest digest) throws IOException;

    /** tag-delete-1: removes the tag only. tag-delete-2: unknown throws {@link NotFoundException}. */
    void untag(Repository repo, Tag tag) throws IOException;

    /**
     * tags-1: the tags of {@code repo} in ASCIIbetical order, strictly after {@code after}, at
     * most {@code limit}. tags-2: a repository with no content at all (no manifest, no blob)
     * throws {@link NotFoundException}; one holding only blobs, or whose tags were all deleted,
     * returns an empty page.
     */
    Page<Tag> tags(Repository repo, Optional<Tag> after, int limit) throws IOException;

    /**
     * catalog-1: repositories holding a manifest or a blob, in ASCIIbetical order, strictly
     * after {@code after}, at most {@code limit}.
     */
    Page<Repository> repositories(Optional<Repository> after, int limit) throws IOException;

    /**
     * referrers-1: descriptors of the manifests of {@code repo} whose subject is
     * {@code subject}, whether or not the subject itself exists; empty when none.
     */
    List<Descriptor> referrers(Repository repo, Digest subject) throws IOException;
}
