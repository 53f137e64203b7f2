// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.gc.CollectionHandler;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** A collection handler whose every call the observer sees. */
record ObservedCollection(CollectionHandler target, ObservedCalls calls) implements CollectionHandler {
    @Override
    public List<Item> blobs(Repository repo) throws IOException {
        return calls.time("CollectionHandler.blobs", () -> target.blobs(repo));
    }

    @Override
    public List<StoredManifest> manifests(Repository repo) throws IOException {
        return calls.time("CollectionHandler.manifests", () -> target.manifests(repo));
    }

    @Override
    public Set<Digest> references(Repository repo) throws IOException {
        return calls.time("CollectionHandler.references", () -> target.references(repo));
    }

    @Override
    public Optional<Item> claim(Repository repo, Item seen) throws IOException {
        return calls.time("CollectionHandler.claim", () -> target.claim(repo, seen));
    }

    @Override
    public void release(Repository repo, Item claimed) throws IOException {
        calls.run("CollectionHandler.release", () -> target.release(repo, claimed));
    }

    @Override
    public OptionalLong sweep(Repository repo, Item claimed) throws IOException {
        return calls.time("CollectionHandler.sweep", () -> target.sweep(repo, claimed));
    }

    @Override
    public long reclaimUnlinked(Instant cutoff) throws IOException {
        return calls.time("CollectionHandler.reclaimUnlinked", () -> target.reclaimUnlinked(cutoff));
    }
}
