// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.memory;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.CollectionHandler;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.UploadHandler;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** All state in maps; every capability of the SPI, online collection included. */
final class MemoryStorage implements Storage, CollectionHandler {
    private final MemoryBlobHandler blobs = new MemoryBlobHandler();
    private final MemoryManifestHandler manifests = new MemoryManifestHandler(blobs);
    private final MemoryUploadHandler uploads = new MemoryUploadHandler(blobs);

    @Override
    public BlobHandler blobs() {
        return blobs;
    }

    @Override
    public ManifestHandler manifests() {
        return manifests;
    }

    @Override
    public UploadHandler uploads() {
        return uploads;
    }

    @Override
    public Optional<CollectionHandler> collection() {
        return Optional.of(this);
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
