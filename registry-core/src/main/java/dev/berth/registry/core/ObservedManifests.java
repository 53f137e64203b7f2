// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.Page;
import dev.berth.registry.spi.PushedManifest;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A manifest handler whose every call the observer sees. */
record ObservedManifests(ManifestHandler target, ObservedCalls calls) implements ManifestHandler {
    @Override
    public Manifest get(Repository repo, Digest digest) throws IOException {
        return calls.time("ManifestHandler.get", () -> target.get(repo, digest));
    }

    @Override
    public Digest resolve(Repository repo, Tag tag) throws IOException {
        return calls.time("ManifestHandler.resolve", () -> target.resolve(repo, tag));
    }

    @Override
    public void put(Repository repo, PushedManifest manifest, Set<Tag> tags) throws IOException {
        calls.run("ManifestHandler.put", () -> target.put(repo, manifest, tags));
    }

    @Override
    public void delete(Repository repo, Digest digest) throws IOException {
        calls.run("ManifestHandler.delete", () -> target.delete(repo, digest));
    }

    @Override
    public void untag(Repository repo, Tag tag) throws IOException {
        calls.run("ManifestHandler.untag", () -> target.untag(repo, tag));
    }

    @Override
    public Page<Tag> tags(Repository repo, Optional<Tag> after, int limit) throws IOException {
        return calls.time("ManifestHandler.tags", () -> target.tags(repo, after, limit));
    }

    @Override
    public Page<Repository> repositories(Optional<Repository> after, int limit) throws IOException {
        return calls.time("ManifestHandler.repositories", () -> target.repositories(after, limit));
    }

    @Override
    public List<Descriptor> referrers(Repository repo, Digest subject) throws IOException {
        return calls.time("ManifestHandler.referrers", () -> target.referrers(repo, subject));
    }
}
