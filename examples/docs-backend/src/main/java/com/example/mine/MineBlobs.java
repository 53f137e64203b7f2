// SPDX-License-Identifier: Apache-2.0
package com.example.mine;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.BlobStatHandler;
import dev.berth.registry.spi.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Blobs: content files, readable through the repositories the journal links them to. */
final class MineBlobs implements BlobStatHandler, BlobPutHandler {
    private final MineStore store;

    MineBlobs(MineStore store) {
        this.store = store;
    }

    private Path linked(Repository repo, Digest digest) throws NotFoundException {
        synchronized (store) {
            if (store.state.repo(repo).map(r -> r.blobs.contains(digest)).orElse(false)) {
                return store.content(digest);
            }
        }
        throw new NotFoundException("blob " + digest + " is not in " + repo);
    }

    @Override
    public InputStream get(Repository repo, Digest digest) throws IOException {
        return Files.newInputStream(linked(repo, digest));
    }

    @Override
    public long stat(Repository repo, Digest digest) throws IOException {
        return Files.size(linked(repo, digest));
    }

    @Override
    public void put(Repository repo, Digest digest, InputStream content) throws IOException {
        Path received = store.receive(content); // to the end, even if stored: the stream verifies as it is read
        store.publish(received, digest);
        link(repo, digest);
    }

    /** Records that {@code repo} holds the stored content of {@code digest}. */
    void link(Repository repo, Digest digest) throws IOException {
        store.write(List.of(Journal.record("B", repo.name(), digest.toString())));
    }
}
