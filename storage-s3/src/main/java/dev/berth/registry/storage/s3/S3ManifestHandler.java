// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.PushedManifest;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Page;
import dev.berth.registry.spi.TagClaimHandler;
import dev.berth.registry.spi.TagPullsHandler;
import dev.berth.registry.storage.s3.Bucket.Condition;
import dev.berth.registry.storage.s3.Bucket.Entry;
import dev.berth.registry.storage.s3.Bucket.Stored;
import dev.berth.registry.storage.s3.Records.InFlight;
import dev.berth.registry.storage.s3.Records.ManifestRecord;
import dev.berth.registry.storage.s3.Records.Referrer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Manifests, tags, referrers and the catalog, one object each. Tags are plain objects written
 * last-writer-wins (a tag names the manifest of whichever push finished last); removing the tags
 * of a deleted manifest is a compare-and-swap, so a tag moved meanwhile survives. A claimed tag
 * is written only if absent ({@code If-None-Match: *}, or {@code If-Match} on a tombstone), so
 * nodes sharing the bucket agree on the one claim that won.
 */
final class S3ManifestHandler implements TagClaimHandler, TagPullsHandler {
    private static final int ATTEMPTS = 20;

    private final Links links;
    private final Bucket bucket;
    private final Pulls pulls;

    S3ManifestHandler(Links links) {
        this.links = links;
        this.bucket = links.bucket();
        this.pulls = new Pulls(bucket, "pulls/");
    }

    @Override
    public void recordPull(Repository repo, Tag tag, java.time.Instant at) throws IOException {
        pulls.record(repo, tag, at);
    }

    @Override
    public Map<Tag, java.time.Instant> pulls(Repository repo) throws IOException {
        return pulls.all(repo);
    }

    @Override
    public Manifest get(Repository repo, Digest digest) throws IOException {
        ManifestRecord record = record(repo, digest).orElseThrow(() ->
                new NotFoundException("manifest " + digest + " is not in " + repo)).record();
        return new Manifest(digest, new MediaType(record.mediaType()), record.content());
    }

    record Read(ManifestRecord record, String etag) {
    }

    Optional<Read> record(Repository repo, Digest digest) throws IOException {
        String key = Keys.manifest(repo, digest);
        Optional<Stored> stored = bucket.readLive(key);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Read(Records.read(stored.get().body(), ManifestRecord.class, key), stored.get().etag()));
    }

    @Override
    public Digest resolve(Repository repo, Tag tag) throws IOException {
        Optional<Stored> stored = bucket.readLive(Keys.tag(repo, tag));
        if (stored.isEmpty()) {
            throw new NotFoundException("tag " + tag + " is not in " + repo);
        }
        return Digest.parse(new String(stored.get().body(), StandardCharsets.US_ASCII).trim());
    }

    @Override
    public void put(Repository repo, PushedManifest manifest, Set<Tag> tags) throws IOException {
        // gc-superset: announce the put before checking what it needs
        String marker = Keys.inFlight(repo) + manifest.digest().algorithm().id() + "-" + manifest.digest().encoded()
                + "." + Long.toUnsignedString(Records.nonce(), 36);
        bucket.put(marker, Records.write(new InFlight(manifest.digest().toString(),
                manifest.references().stream().map(Digest::toString).toList())));
        try {
            for (Digest required : manifest.required()) { // manifest-put-5
                if (links.readable(repo, required).isEmpty() && !use(repo, required)) {
                    throw new NotFoundException("blob or manifest " + required + " is not in " + repo);
                }
            }
            store(repo, manifest);
            if (manifest.subject().isPresent()) {
                Descriptor d = manifest.asReferrer();
                bucket.put(Keys.referrer(repo, manifest.subject().get(), manifest.digest()), Records.write(new Referrer(
                        d.mediaType().value(), d.digest().toString(), d.size(), d.artifactType().orElse(null),
                        d.annotations())));
            }
            byte[] target = manifest.digest().toString().getBytes(StandardCharsets.US_ASCII);
            for (Tag tag : tags) {
                bucket.put(Keys.tag(repo, tag), target);
            }
            links.catalogue(repo);
        } finally {
            bucket.delete(marker);
        }
    }

    @Override
    public Digest claim(Repository repo, Tag tag, Digest digest) throws IOException {
        if (!use(repo, digest)) { // tag-claim-4, rescuing a manifest a collector is looking at
            throw new NotFoundException("manifest " + digest + " is not in " + repo);
        }
        String key = Keys.tag(repo, tag);
        byte[] target = digest.toString().getBytes(StandardCharsets.US_ASCII);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Stored> current = bucket.read(key);
            if (current.isPresent() && !current.get().tombstone()) {
                return Digest.parse(new String(current.get().body(), StandardCharsets.US_ASCII).trim());
            }
            if (bucket.putIf(key, target, Condition.of(current)).isPresent()) {
                return digest; // tag-claim-3: the condition let only one claim through
            }
        }
        throw new IOException("tag " + tag + " of " + repo + " keeps changing");
    }

    @Override
    public boolean untag(Repository repo, Tag tag, Digest expected) throws IOException {
        String key = Keys.tag(repo, tag);
        Optional<Stored> current = bucket.readLive(key);
        if (current.isEmpty() || !Digest.parse(new String(current.get().body(), StandardCharsets.US_ASCII).trim())
                .equals(expected)) {
            return false;
        }
        // tag-claim-5: a tombstone written only over the version read; a push since then keeps its tag
        return bucket.putIf(key, new byte[0], Condition.matches(current.get().etag())).isPresent();
    }

    /** Writes the manifest's record LIVE with a fresh version (a put of it is a use). */
    private void store(Repository repo, PushedManifest manifest) throws IOException {
        String key = Keys.manifest(repo, manifest.digest());
        ManifestRecord record = new ManifestRecord(Records.LIVE, Records.nonce(), links.now(),
                manifest.mediaType().value(), manifest.content(),
                manifest.references().stream().map(Digest::toString).sorted().toList(),
                manifest.subject().map(Digest::toString).orElse(null), manifest.artifactType().orElse(null),
                manifest.annotations());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Stored> current = bucket.read(key);
            if (bucket.putIf(key, Records.write(record), Condition.of(current)).isPresent()) {
                return;
            }
            record = record.with(Records.LIVE, links.now());
        }
        throw new IOException("manifest " + key + " keeps changing");
    }

    /** A child manifest used by a put: rescued if claimed (gc-rescue); false if not there. */
    boolean use(Repository repo, Digest digest) throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Read> read = record(repo, digest);
            if (read.isEmpty()) {
                return false;
            }
            if (Records.LIVE.equals(read.get().record().state())) {
                return true;
            }
            ManifestRecord rescued = read.get().record().with(Records.LIVE, links.now());
            if (bucket.putIf(Keys.manifest(repo, digest), Records.write(rescued),
                    Condition.matches(read.get().etag())).isPresent()) {
                return true;
            }
        }
        throw new IOException("manifest " + digest + " of " + repo + " keeps changing");
    }

    @Override
    public void delete(Repository repo, Digest digest) throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Read> read = record(repo, digest);
            if (read.isEmpty()) {
                throw new NotFoundException("manifest " + digest + " is not in " + repo);
            }
            if (remove(repo, digest, read.get())) {
                return;
            }
        }
        throw new IOException("manifest " + digest + " of " + repo + " keeps changing");
    }

    /** Tombstones the manifest if it is still as read, then its tags and referrers entry. */
    boolean remove(Repository repo, Digest digest, Read read) throws IOException {
        if (bucket.putIf(Keys.manifest(repo, digest), new byte[0], Condition.matches(read.etag())).isEmpty()) {
            return false;
        }
        byte[] target = digest.toString().getBytes(StandardCharsets.US_ASCII);
        for (Entry entry : bucket.listLive(Keys.tags(repo))) {
            Optional<Stored> tag = bucket.readLive(entry.key());
            if (tag.isPresent() && java.util.Arrays.equals(trim(tag.get().body()), target)) {
                bucket.putIf(entry.key(), new byte[0], Condition.matches(tag.get().etag())); // moved meanwhile: keep
            }
        }
        if (read.record().subject() != null) {
            bucket.delete(Keys.referrer(repo, Digest.parse(read.record().subject()), digest));
        }
        return true;
    }

    private static byte[] trim(byte[] body) {
        return new String(body, StandardCharsets.US_ASCII).trim().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void untag(Repository repo, Tag tag) throws IOException {
        String key = Keys.tag(repo, tag);
        if (bucket.readLive(key).isEmpty()) {
            throw new NotFoundException("tag " + tag + " is not in " + repo);
        }
        bucket.delete(key);
    }

    @Override
    public Page<Tag> tags(Repository repo, Optional<Tag> after, int limit) throws IOException {
        if (!bucket.exists(Keys.catalog(repo))) {
            throw new NotFoundException("repository " + repo + " is not known");
        }
        String prefix = Keys.tags(repo);
        List<Tag> page = new ArrayList<>();
        bucket.listUntil(prefix, after.map(t -> prefix + t.value()), entry -> {
            if (entry.size() > 0) {
                page.add(Tag.parse(entry.key().substring(prefix.length())));
            }
            return page.size() <= limit;
        });
        return Page.of(page, limit);
    }

    /** Tags of {@code repo} with the digest each points at. */
    Map<Tag, Digest> tagTargets(Repository repo) throws IOException {
        String prefix = Keys.tags(repo);
        Map<Tag, Digest> targets = new java.util.TreeMap<>();
        for (Entry entry : bucket.listLive(prefix)) {
            Optional<Stored> tag = bucket.readLive(entry.key());
            if (tag.isPresent()) {
                targets.put(Tag.parse(entry.key().substring(prefix.length())),
                        Digest.parse(new String(tag.get().body(), StandardCharsets.US_ASCII).trim()));
            }
        }
        return targets;
    }

    @Override
    public Page<Repository> repositories(Optional<Repository> after, int limit) throws IOException {
        List<Repository> page = new ArrayList<>();
        bucket.listUntil(Keys.CATALOG, after.map(Keys::catalog), entry -> {
            Keys.repositoryOfCatalog(entry.key()).ifPresent(page::add);
            return page.size() <= limit;
        });
        return Page.of(page, limit);
    }

    @Override
    public List<Descriptor> referrers(Repository repo, Digest subject) throws IOException {
        List<Descriptor> result = new ArrayList<>();
        for (Entry entry : bucket.listLive(Keys.referrers(repo, subject))) {
            Optional<Stored> stored = bucket.readLive(entry.key());
            if (stored.isEmpty()) {
                continue;
            }
            Referrer r = Records.read(stored.get().body(), Referrer.class, entry.key());
            result.add(new Descriptor(new MediaType(r.mediaType()), Digest.parse(r.digest()), r.size(),
                    Optional.ofNullable(r.artifactType()), r.annotations() == null ? Map.of() : r.annotations()));
        }
        result.sort((a, b) -> a.digest().toString().compareTo(b.digest().toString()));
        return result;
    }

    /** Digests named by the manifest puts in progress in {@code repo} (gc-superset). */
    void inFlight(Repository repo, Collection<Digest> into) throws IOException {
        for (Entry entry : bucket.listLive(Keys.inFlight(repo))) {
            Optional<Stored> stored = bucket.readLive(entry.key());
            if (stored.isPresent()) {
                InFlight marker = Records.read(stored.get().body(), InFlight.class, entry.key());
                into.add(Digest.parse(marker.digest()));
                marker.references().forEach(d -> into.add(Digest.parse(d)));
            }
        }
    }
}
