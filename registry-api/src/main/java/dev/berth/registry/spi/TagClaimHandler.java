// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import java.io.IOException;

/**
 * Capability: a tag created only where none exists, atomically, for immutable tags. Core pushes
 * a manifest to an immutable tag by storing the manifest, then claiming the tag: of two pushes
 * racing to create one tag, exactly one wins on every node that shares the storage. Without this
 * capability core serializes claims within its own process only.
 */
public interface TagClaimHandler extends ManifestHandler {
    /**
     * tag-claim-1: when {@code tag} points nowhere in {@code repo}, points it at {@code digest},
     * durably on return as {@link #put} does, and returns {@code digest}.
     * tag-claim-2: when {@code tag} already points somewhere, changes nothing and returns what it
     * points at ({@code digest} itself when a push is repeated).
     * tag-claim-3: atomic: of concurrent claims of one tag with different digests, exactly one
     * takes the tag, and every call returns that claim's digest.
     * tag-claim-4: a {@code digest} that is not a manifest of {@code repo} throws
     * {@link NotFoundException} and changes nothing.
     */
    Digest claim(Repository repo, Tag tag, Digest digest) throws IOException;

    /**
     * tag-claim-5: removes {@code tag} only while it points at {@code expected}, atomically with
     * that check, and returns whether it did: a tag moved to another manifest, or absent, is left
     * as it is (false).
     */
    boolean untag(Repository repo, Tag tag, Digest expected) throws IOException;
}
