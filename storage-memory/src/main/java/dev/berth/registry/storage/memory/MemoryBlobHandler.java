// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.memory;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobDeleteHandler;
import dev.berth.registry.spi.BlobMountHandler;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.BlobStatHandler;
import dev.berth.registry.spi.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Content stored once by digest; each repository holds the set of digests pushed or mounted there. */
final class MemoryBlobHandler implements BlobStatHandler, BlobPutHandler, BlobDeleteHandler, BlobMountHandler {
    private final Map<Digest, byte[]> content = new ConcurrentHashMap<>();
    private final Map<Repository, Set<Digest>> members = new ConcurrentHashMap<>();

    @Override
    public InputStream get(Repository repo, Digest digest) throws IOException {
        return new ByteArrayInputStream(bytes(repo, digest));
    }

    @Override
    public long stat(Repository repo, Digest digest) throws IOException {
        return bytes(repo, digest).length;
    }

    private byte[] bytes(Repository repo, Digest digest) throws NotFoundException {
        byte[] bytes = members.getOrDefault(repo, Set.of()).contains(digest) ? content.get(digest) : null;
        if (bytes == null) {
            throw new NotFoundException("blob " + digest + " is not in " + repo);
        }
        return bytes;
    }

    @Override
    public void put(Repository repo, Digest digest, InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes(); // the memory backend holds blobs whole by definition
        store(repo, digest, bytes);
    }

    /** Content first, then membership, so a member always has content. */
    synchronized void store(Repository repo, Digest digest, byte[] bytes) {
        content.putIfAbsent(digest, bytes);
        members.computeIfAbsent(repo, r -> ConcurrentHashMap.newKeySet()).add(digest);
    }

    @Override
    public synchronized void delete(Repository repo, Digest digest) throws IOException {
        Set<Digest> held = members.get(repo);
        if (held == null || !held.remove(digest)) {
            throw new NotFoundException("blob " + digest + " is not in " + repo);
        }
        if (members.values().stream().noneMatch(s -> s.contains(digest))) {
            content.remove(digest);
        }
    }

    @Override
    public synchronized void mount(Repository from, Repository to, Digest digest) throws IOException {
        byte[] bytes = bytes(from, digest);
        store(to, digest, bytes);
    }

    boolean holdsAny(Repository repo) {
        return !members.getOrDefault(repo, Set.of()).isEmpty();
    }

    Set<Repository> repositories() {
        return members.keySet();
    }
}
