// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.storage.s3.Bucket.Condition;
import dev.berth.registry.storage.s3.Bucket.Stored;
import dev.berth.registry.storage.s3.Records.Content;
import dev.berth.registry.storage.s3.Records.Link;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Blob links and content, kept safe against online GC on other nodes with nothing but
 * conditional writes. The invariant: a link that is LIVE or COLLECTING names a data object that
 * exists. Writers keep it by linking before they look at the content:
 * <ol>
 * <li>write the link PENDING (visible to a collector's listing, not to readers);
 * <li>read the content record: LIVE names the data; absent or DOOMED means write new data under
 *     a fresh generation and swap the record to it (a collector only ever deletes the
 *     generation it doomed, never a newer one);
 * <li>swap the link to LIVE with that generation.
 * </ol>
 * Between the first and the last step the link's entry in the {@link Holders} index is written.
 * A collector dooms a content record, lists the links again, and deletes the data only when no
 * link of any state exists ({@link S3Collection#reclaimUnlinked}); a writer that linked after
 * that listing read the record after it was doomed, so it wrote its own generation.
 */
final class Links {
    private static final int ATTEMPTS = 20;

    /** Writes the blob's bytes to a data key when no stored content can be used. */
    @FunctionalInterface
    interface Source {
        void writeTo(String dataKey) throws IOException;
    }

    /** A readable blob: its data key and size. */
    record Readable(String dataKey, long size) {
    }

    private final Bucket bucket;
    private final Clock clock;
    private final Set<Repository> catalogued = ConcurrentHashMap.newKeySet();
    private final Holders holders;

    Links(Bucket bucket, Clock clock) {
        this.bucket = bucket;
        this.clock = clock;
        this.holders = new Holders(bucket);
    }

    Bucket bucket() {
        return bucket;
    }

    Holders holders() {
        return holders;
    }

    long now() {
        return clock.millis();
    }

    /**
     * The blob of {@code repo}, rescued if a collector has claimed it (gc-rescue); empty when the
     * repository has no finished link to it.
     */
    Optional<Readable> readable(Repository repo, Digest digest) throws IOException {
        String key = Keys.link(repo, digest);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Stored> stored = bucket.readLive(key);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            Link link = Records.read(stored.get().body(), Link.class, key);
            if (Records.PENDING.equals(link.state())) {
                return Optional.empty(); // not pushed yet
            }
            Readable readable = new Readable(Keys.data(digest, link.gen()), link.size());
            if (Records.LIVE.equals(link.state())) {
                return Optional.of(readable);
            }
            Link rescued = new Link(Records.LIVE, Records.nonce(), now(), link.size(), link.gen());
            if (bucket.putIf(key, Records.write(rescued), Condition.matches(stored.get().etag())).isPresent()) {
                return Optional.of(readable);
            }
        }
        throw new IOException("blob link " + key + " keeps changing; giving up after " + ATTEMPTS + " attempts");
    }

    /**
     * Makes {@code digest} a blob of {@code repo}: refreshes an existing link (a push or mount is
     * a use), or links it, writing content from {@code source} if no stored content can be used.
     * An empty source (a mount) fails with {@link NotFoundException} when the content is gone.
     */
    void link(Repository repo, Digest digest, long size, Optional<Source> source) throws IOException {
        String key = Keys.link(repo, digest);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Stored> current = bucket.read(key);
            if (current.isPresent() && !current.get().tombstone()) {
                Link link = Records.read(current.get().body(), Link.class, key);
                if (!Records.PENDING.equals(link.state())) {
                    Link refreshed = new Link(Records.LIVE, Records.nonce(), now(), link.size(), link.gen());
                    if (bucket.putIf(key, Records.write(refreshed), Condition.matches(current.get().etag())).isPresent()) {
                        catalogue(repo);
                        return;
                    }
                    continue;
                }
            }
            Link pending = new Link(Records.PENDING, Records.nonce(), now(), size, null);
            Optional<String> pendingTag = bucket.putIf(key, Records.write(pending), Condition.of(current));
            if (pendingTag.isEmpty()) {
                continue; // another writer got there first: look again
            }
            holders.add(repo, digest); // before the link is LIVE: a live link always has its entry
            Optional<Content> content = ensureContent(digest, size, source);
            if (content.isEmpty()) {
                bucket.putIf(key, new byte[0], Condition.matches(pendingTag.get()));
                throw new NotFoundException("blob " + digest + " is no longer stored");
            }
            if (finish(key, pendingTag.get(), content.get())) {
                catalogue(repo);
                return;
            }
        }
        throw new IOException("blob link " + key + " keeps changing; giving up after " + ATTEMPTS + " attempts");
    }

    /** Swaps a PENDING link to LIVE; false if it was swept meanwhile (start over). */
    private boolean finish(String key, String pendingTag, Content content) throws IOException {
        Link live = new Link(Records.LIVE, Records.nonce(), now(), content.size(), content.gen());
        String expected = pendingTag;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (bucket.putIf(key, Records.write(live), Condition.matches(expected)).isPresent()) {
                return true;
            }
            Optional<Stored> now = bucket.readLive(key);
            if (now.isEmpty()) {
                return false;
            }
            Link seen = Records.read(now.get().body(), Link.class, key);
            if (Records.LIVE.equals(seen.state()) && seen.gen() != null) {
                return true; // a concurrent push of the same blob finished it
            }
            // claimed while pending: the link existed all along, so a collector cannot have
            // deleted the content after our read; rescue it
            expected = now.get().etag();
        }
        throw new IOException("blob link " + key + " keeps changing");
    }

    /** A LIVE content record for {@code digest}, writing the data if needed and possible. */
    private Optional<Content> ensureContent(Digest digest, long size, Optional<Source> source) throws IOException {
        String key = Keys.content(digest);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Stored> current = bucket.read(key);
            if (current.isPresent() && !current.get().tombstone()) {
                Content content = Records.read(current.get().body(), Content.class, key);
                if (Records.LIVE.equals(content.state())) {
                    return Optional.of(content);
                }
            }
            if (source.isEmpty()) {
                return Optional.empty();
            }
            String gen = Records.generation();
            String dataKey = Keys.data(digest, gen);
            source.get().writeTo(dataKey);
            Content fresh = new Content(Records.LIVE, gen, size, Records.nonce());
            if (bucket.putIf(key, Records.write(fresh), Condition.of(current)).isPresent()) {
                return Optional.of(fresh);
            }
            bucket.delete(dataKey); // a concurrent push stored it first: keep one copy
        }
        throw new IOException("content record " + key + " keeps changing");
    }

    /** Records that {@code repo} holds content, for the catalog (once per repository and node). */
    void catalogue(Repository repo) throws IOException {
        if (catalogued.contains(repo)) {
            return;
        }
        if (!bucket.exists(Keys.catalog(repo))) {
            bucket.put(Keys.catalog(repo), new byte[] {'1'});
        }
        catalogued.add(repo);
    }

    /**
     * Digests any repository has a link to, in any state but swept; with {@code sweepMarkers},
     * also removes in-flight markers older than {@code leftoverAge} (puts that crashed).
     */
    Set<Digest> linkedDigests(boolean sweepMarkers, Duration leftoverAge) throws IOException {
        Instant leftoverCutoff = Instant.ofEpochMilli(now()).minus(leftoverAge);
        Set<Digest> linked = new HashSet<>();
        List<String> staleMarkers = new ArrayList<>();
        bucket.list(Keys.REPOSITORIES, Optional.empty(), entry -> {
            if (entry.size() == 0) {
                return;
            }
            if (entry.key().contains(Keys.LAYERS)) {
                Keys.trailingDigest(entry.key()).ifPresent(linked::add);
            } else if (sweepMarkers && entry.key().contains(Keys.INFLIGHT)
                    && entry.lastModified().isBefore(leftoverCutoff)) {
                staleMarkers.add(entry.key());
            }
        });
        for (String marker : staleMarkers) {
            bucket.delete(marker);
        }
        return linked;
    }
}
