// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.memory;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobDeleteHandler;
import dev.berth.registry.spi.BlobLocateHandler;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.BlobStatHandler;
import dev.berth.registry.spi.gc.CollectionHandler.Item;
import dev.berth.registry.spi.gc.CollectionHandler.Kind;
import dev.berth.registry.spi.gc.CollectionHandler.State;
import dev.berth.registry.spi.NotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Content stored once by digest; each repository holds the digests pushed or mounted there,
 * each with its collection lifecycle. Changes happen under this object's monitor.
 */
final class MemoryBlobHandler implements BlobStatHandler, BlobPutHandler, BlobDeleteHandler, BlobLocateHandler {
    private final Map<Digest, byte[]> content = new ConcurrentHashMap<>();
    private final Map<Repository, Map<Digest, Life>> members = new ConcurrentHashMap<>();
    /** The index behind {@link #locate}: for each stored digest, the repositories holding it. */
    private final Map<Digest, Set<Repository>> holders = new ConcurrentHashMap<>();

    @Override
    public InputStream get(Repository repo, Digest digest) throws IOException {
        return new ByteArrayInputStream(bytes(repo, digest));
    }

    @Override
    public long stat(Repository repo, Digest digest) throws IOException {
        return bytes(repo, digest).length;
    }

    private byte[] bytes(Repository repo, Digest digest) throws NotFoundException {
        Life life = members.getOrDefault(repo, Map.of()).get(digest);
        byte[] bytes = life == null ? null : content.get(digest);
        if (bytes == null) {
            throw new NotFoundException("blob " + digest + " is not in " + repo);
        }
        if (life.state == State.COLLECTING) {
            retain(repo, digest); // gc-rescue
        }
        return bytes;
    }

    /** gc-rescue for a reference of a manifest being put: the blob is live afterwards, or this throws. */
    synchronized void retain(Repository repo, Digest digest) throws NotFoundException {
        Life life = members.getOrDefault(repo, Map.of()).get(digest);
        if (life == null) {
            throw new NotFoundException("blob " + digest + " is not in " + repo);
        }
        if (life.state == State.COLLECTING) {
            life.use();
        }
    }

    @Override
    public void put(Repository repo, Digest digest, InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes(); // the memory backend holds blobs whole by definition
        store(repo, digest, bytes);
    }

    /** Content first, then membership, so a member always has content. */
    synchronized void store(Repository repo, Digest digest, byte[] bytes) {
        content.putIfAbsent(digest, bytes);
        Life life = members.computeIfAbsent(repo, r -> new ConcurrentHashMap<>()).get(digest);
        if (life == null) {
            members.get(repo).put(digest, new Life());
            holders.computeIfAbsent(digest, d -> ConcurrentHashMap.newKeySet()).add(repo);
        } else {
            life.use();
        }
    }

    @Override
    public synchronized void delete(Repository repo, Digest digest) throws IOException {
        Map<Digest, Life> held = members.get(repo);
        if (held == null || held.remove(digest) == null) {
            throw new NotFoundException("blob " + digest + " is not in " + repo);
        }
        unlinked(repo, digest);
    }

    /** After a link is removed: drops it from the index, and the content with its last link. */
    private long unlinked(Repository repo, Digest digest) {
        Set<Repository> remaining = holders.get(digest);
        if (remaining != null) {
            remaining.remove(repo);
            if (!remaining.isEmpty()) {
                return 0;
            }
            holders.remove(digest);
        }
        byte[] removed = content.remove(digest);
        return removed == null ? 0 : removed.length;
    }

    @Override
    public synchronized void mount(Repository from, Repository to, Digest digest) throws IOException {
        byte[] bytes = bytes(from, digest);
        members.get(from).get(digest).use();
        store(to, digest, bytes);
    }

    @Override
    public List<Repository> locate(Digest digest, int limit) {
        return holders.getOrDefault(digest, Set.of()).stream().limit(limit).toList();
    }

    boolean holdsAny(Repository repo) {
        return !members.getOrDefault(repo, Map.of()).isEmpty();
    }

    Set<Repository> repositories() {
        return members.keySet();
    }

    synchronized List<Item> items(Repository repo) {
        List<Item> items = new ArrayList<>();
        members.getOrDefault(repo, Map.of()).forEach((digest, life) ->
                items.add(life.item(Kind.BLOB, digest, content.getOrDefault(digest, new byte[0]).length)));
        return items;
    }

    synchronized Optional<Item> claim(Repository repo, Item seen) {
        Life life = members.getOrDefault(repo, Map.of()).get(seen.digest());
        if (life == null || !life.matches(seen)) {
            return Optional.empty();
        }
        life.claim();
        return Optional.of(life.item(Kind.BLOB, seen.digest(), seen.size()));
    }

    synchronized void release(Repository repo, Item claimed) {
        Life life = members.getOrDefault(repo, Map.of()).get(claimed.digest());
        if (life != null && life.matches(claimed)) {
            life.release();
        }
    }

    synchronized OptionalLong sweep(Repository repo, Item claimed) {
        Map<Digest, Life> held = members.getOrDefault(repo, Map.of());
        Life life = held.get(claimed.digest());
        if (life == null || !life.matches(claimed) || life.state != State.COLLECTING) {
            return OptionalLong.empty();
        }
        held.remove(claimed.digest());
        return OptionalLong.of(unlinked(repo, claimed.digest()));
    }
}
