// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.memory;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.gc.CollectionHandler;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Online collection of the memory backend: its items are the handlers' map entries. */
final class MemoryCollection implements CollectionHandler {
    private final MemoryBlobHandler blobs;
    private final MemoryManifestHandler manifests;

    MemoryCollection(MemoryBlobHandler blobs, MemoryManifestHandler manifests) {
        this.blobs = blobs;
        this.manifests = manifests;
    }

    @Override
    public List<Item> blobs(Repository repo) {
        return blobs.items(repo);
    }

    @Override
    public List<StoredManifest> manifests(Repository repo) {
        return manifests.items(repo);
    }

    @Override
    public Set<Digest> references(Repository repo) {
        return manifests.references(repo);
    }

    @Override
    public Optional<Item> claim(Repository repo, Item seen) {
        return seen.kind() == Kind.BLOB ? blobs.claim(repo, seen) : manifests.claim(repo, seen);
    }

    @Override
    public void release(Repository repo, Item claimed) {
        if (claimed.kind() == Kind.BLOB) {
            blobs.release(repo, claimed);
        } else {
            manifests.release(repo, claimed);
        }
    }

    @Override
    public OptionalLong sweep(Repository repo, Item claimed) {
        return claimed.kind() == Kind.BLOB ? blobs.sweep(repo, claimed) : manifests.sweep(repo, claimed);
    }

    @Override
    public long reclaimUnlinked(Instant cutoff) {
        return 0; // content goes with its last link, under the same monitor
    }
}
