// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.gc.CollectionHandler;
import dev.berth.registry.storage.s3.Bucket.Condition;
import dev.berth.registry.storage.s3.Bucket.Entry;
import dev.berth.registry.storage.s3.Bucket.Stored;
import dev.berth.registry.storage.s3.Records.Content;
import dev.berth.registry.storage.s3.Records.Link;
import dev.berth.registry.storage.s3.Records.ManifestRecord;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Online GC on the bucket. Items are blob links and manifest records; their state and version
 * (the record's nonce) change only by conditional writes, and a swept item becomes a tombstone
 * (an empty object) written on the condition that it is still as claimed. Content is deleted in
 * {@link #reclaimUnlinked}, by the doom-relist-delete protocol described in {@link Links}.
 */
final class S3Collection implements CollectionHandler {
    /**
     * How old leftovers of an interrupted operation must be before they are removed: in-flight
     * markers and data objects no record names. Far longer than a write takes, and independent
     * of the grace period, which may be zero.
     */
    static final Duration LEFTOVER_AGE = Duration.ofHours(1);

    private final Links links;
    private final Bucket bucket;
    private final S3ManifestHandler manifests;
    private final ListedRecords<Link, Link> linkRecords;
    private final ListedRecords<ManifestRecord, Listed> manifestRecords;

    /** What a pass needs of a manifest record: not its content, which may be megabytes. */
    private record Listed(String state, long nonce, long lastUsed, long size, List<String> references, String subject) {
        static Listed of(ManifestRecord r) {
            return new Listed(r.state(), r.nonce(), r.lastUsed(), r.content().length,
                    r.references() == null ? List.of() : List.copyOf(r.references()), r.subject());
        }
    }

    S3Collection(Links links, S3ManifestHandler manifests) {
        this.links = links;
        this.bucket = links.bucket();
        this.manifests = manifests;
        this.linkRecords = new ListedRecords<>(bucket, Link.class, link -> link, 200_000);
        // each keeps its references: fewer fit in the same memory than links
        this.manifestRecords = new ListedRecords<>(bucket, ManifestRecord.class, Listed::of, 50_000);
    }

    @Override
    public List<Item> blobs(Repository repo) throws IOException {
        List<Item> items = new ArrayList<>();
        for (Entry entry : bucket.listLive(Keys.layers(repo))) {
            Optional<Digest> digest = Keys.trailingDigest(entry.key());
            Optional<Link> link = digest.isPresent() ? linkRecords.read(entry) : Optional.empty();
            link.ifPresent(l -> items.add(item(digest.get(), l)));
        }
        return items;
    }

    private static Item item(Digest digest, Link link) {
        State state = Records.COLLECTING.equals(link.state()) ? State.COLLECTING : State.LIVE;
        return new Item(Kind.BLOB, digest, state, link.nonce(), Instant.ofEpochMilli(link.lastUsed()), link.size());
    }

    private static Item item(Digest digest, Listed record) {
        State state = Records.COLLECTING.equals(record.state()) ? State.COLLECTING : State.LIVE;
        return new Item(Kind.MANIFEST, digest, state, record.nonce(), Instant.ofEpochMilli(record.lastUsed()),
                record.size());
    }

    @Override
    public List<StoredManifest> manifests(Repository repo) throws IOException {
        Map<Digest, Set<Tag>> tagsOf = new HashMap<>();
        manifests.tagTargets(repo).forEach((tag, digest) -> tagsOf.computeIfAbsent(digest, d -> new HashSet<>()).add(tag));
        List<StoredManifest> result = new ArrayList<>();
        for (Entry entry : bucket.listLive(Keys.manifests(repo))) {
            Optional<Digest> digest = Keys.trailingDigest(entry.key());
            Optional<Listed> read = digest.isPresent() ? manifestRecords.read(entry) : Optional.empty();
            if (read.isEmpty()) {
                continue;
            }
            Listed record = read.get();
            result.add(new StoredManifest(item(digest.get(), record), digests(record.references()),
                    Optional.ofNullable(record.subject()).map(Digest::parse),
                    tagsOf.getOrDefault(digest.get(), Set.of())));
        }
        return result;
    }

    private static Set<Digest> digests(List<String> names) {
        Set<Digest> set = new HashSet<>();
        if (names != null) {
            names.forEach(n -> set.add(Digest.parse(n)));
        }
        return set;
    }

    @Override
    public Set<Digest> references(Repository repo) throws IOException {
        Set<Digest> all = new HashSet<>();
        manifests.inFlight(repo, all); // first: a put announced before its manifest is listed below
        for (Entry entry : bucket.listLive(Keys.manifests(repo))) {
            manifestRecords.read(entry).ifPresent(record -> all.addAll(digests(record.references())));
        }
        return all;
    }

    @Override
    public Optional<Item> claim(Repository repo, Item seen) throws IOException {
        return change(repo, seen, Records.COLLECTING).map(nonce -> new Item(seen.kind(), seen.digest(),
                State.COLLECTING, nonce, seen.lastUsed(), seen.size()));
    }

    @Override
    public void release(Repository repo, Item claimed) throws IOException {
        if (claimed.state() == State.COLLECTING) {
            change(repo, claimed, Records.LIVE);
        }
    }

    /** Writes {@code seen} in {@code newState} with a new nonce if it is still as seen. */
    private Optional<Long> change(Repository repo, Item seen, String newState) throws IOException {
        String key = key(repo, seen);
        Optional<Stored> stored = bucket.readLive(key);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        byte[] next;
        long nonce;
        if (seen.kind() == Kind.BLOB) {
            Link link = Records.read(stored.get().body(), Link.class, key);
            if (link.nonce() != seen.version() || state(link.state()) != seen.state()) {
                return Optional.empty();
            }
            Link changed = new Link(newState, Records.nonce(), link.lastUsed(), link.size(), link.gen());
            next = Records.write(changed);
            nonce = changed.nonce();
        } else {
            ManifestRecord record = Records.read(stored.get().body(), ManifestRecord.class, key);
            if (record.nonce() != seen.version() || state(record.state()) != seen.state()) {
                return Optional.empty();
            }
            ManifestRecord changed = new ManifestRecord(newState, Records.nonce(), record.lastUsed(), record.mediaType(),
                    record.content(), record.references(), record.subject(), record.artifactType(),
                    record.annotations());
            next = Records.write(changed);
            nonce = changed.nonce();
        }
        return bucket.putIf(key, next, Condition.matches(stored.get().etag())).map(etag -> nonce);
    }

    private static State state(String name) {
        return Records.COLLECTING.equals(name) ? State.COLLECTING : State.LIVE;
    }

    private static String key(Repository repo, Item item) {
        return item.kind() == Kind.BLOB ? Keys.link(repo, item.digest()) : Keys.manifest(repo, item.digest());
    }

    @Override
    public OptionalLong sweep(Repository repo, Item claimed) throws IOException {
        if (claimed.state() != State.COLLECTING) {
            return OptionalLong.empty();
        }
        String key = key(repo, claimed);
        Optional<Stored> stored = bucket.readLive(key);
        if (stored.isEmpty()) {
            return OptionalLong.empty();
        }
        if (claimed.kind() == Kind.BLOB) {
            Link link = Records.read(stored.get().body(), Link.class, key);
            if (link.nonce() != claimed.version() || !Records.COLLECTING.equals(link.state())) {
                return OptionalLong.empty();
            }
            if (bucket.putIf(key, new byte[0], Condition.matches(stored.get().etag())).isEmpty()) {
                return OptionalLong.empty();
            }
            links.holders().unlinked(repo, claimed.digest());
            return OptionalLong.of(0); // content goes in reclaimUnlinked
        }
        ManifestRecord record = Records.read(stored.get().body(), ManifestRecord.class, key);
        if (record.nonce() != claimed.version() || !Records.COLLECTING.equals(record.state())) {
            return OptionalLong.empty();
        }
        return manifests.remove(repo, claimed.digest(), new S3ManifestHandler.Read(record, stored.get().etag()))
                ? OptionalLong.of(record.content().length) : OptionalLong.empty();
    }

    @Override
    public long reclaimUnlinked(Instant cutoff) throws IOException {
        links.holders().completeOnce();
        Instant leftoverCutoff = Instant.ofEpochMilli(links.now()).minus(LEFTOVER_AGE);
        // content records and data objects, by digest
        Map<Digest, Entry> records = new HashMap<>();
        Map<Digest, List<Entry>> data = new HashMap<>();
        bucket.list(Keys.BLOBS, Optional.empty(), entry -> {
            int slash = entry.key().lastIndexOf('/');
            Optional<Digest> digest = Keys.trailingDigest(entry.key().substring(0, slash));
            if (digest.isEmpty()) {
                return;
            }
            String name = entry.key().substring(slash + 1);
            if (name.equals("content")) {
                if (entry.size() > 0) {
                    records.put(digest.get(), entry);
                }
            } else if (name.startsWith("data-")) {
                data.computeIfAbsent(digest.get(), d -> new ArrayList<>()).add(entry);
            }
        });
        Set<Digest> linked = links.linkedDigests(true, LEFTOVER_AGE);
        // doom content that no link names and that is older than the cutoff
        Map<Digest, String> doomed = new HashMap<>();
        Map<Digest, Content> doomedContent = new HashMap<>();
        for (Map.Entry<Digest, Entry> record : records.entrySet()) {
            Digest digest = record.getKey();
            if (linked.contains(digest) || !record.getValue().lastModified().isBefore(cutoff)) {
                continue;
            }
            String key = Keys.content(digest);
            Optional<Stored> stored = bucket.readLive(key);
            if (stored.isEmpty()) {
                continue;
            }
            Content content = Records.read(stored.get().body(), Content.class, key);
            if (Records.DOOMED.equals(content.state()) && !stored.get().lastModified().isBefore(leftoverCutoff)) {
                continue; // another collector is at it right now
            }
            Content doom = new Content(Records.DOOMED, content.gen(), content.size(), Records.nonce());
            bucket.putIf(key, Records.write(doom), Condition.matches(stored.get().etag())).ifPresent(etag -> {
                doomed.put(digest, etag);
                doomedContent.put(digest, doom);
            });
        }
        long freed = 0;
        if (!doomed.isEmpty()) {
            Set<Digest> linkedNow = links.linkedDigests(false, LEFTOVER_AGE); // any link written since: its writer may not have seen the doom
            for (Map.Entry<Digest, String> d : doomed.entrySet()) {
                Digest digest = d.getKey();
                Content doom = doomedContent.get(digest);
                String key = Keys.content(digest);
                if (linkedNow.contains(digest)) {
                    Content back = new Content(Records.LIVE, doom.gen(), doom.size(), Records.nonce());
                    bucket.putIf(key, Records.write(back), Condition.matches(d.getValue()));
                    continue;
                }
                bucket.delete(Keys.data(digest, doom.gen()));
                bucket.putIf(key, new byte[0], Condition.matches(d.getValue()));
                links.holders().removeAll(digest);
                freed += doom.size();
            }
        }
        // data objects no content record names (a crash between writing data and recording it,
        // or a lost race), when nothing links the digest at all
        for (Map.Entry<Digest, List<Entry>> d : data.entrySet()) {
            Digest digest = d.getKey();
            if (linked.contains(digest)) {
                continue;
            }
            Optional<Stored> stored = bucket.readLive(Keys.content(digest));
            String current = stored.isEmpty() ? null
                    : Records.read(stored.get().body(), Content.class, Keys.content(digest)).gen();
            for (Entry entry : d.getValue()) {
                String gen = entry.key().substring(entry.key().lastIndexOf("/data-") + "/data-".length());
                if (!gen.equals(current) && entry.lastModified().isBefore(leftoverCutoff)) {
                    bucket.delete(entry.key());
                    freed += entry.size();
                }
            }
        }
        return freed;
    }
}
