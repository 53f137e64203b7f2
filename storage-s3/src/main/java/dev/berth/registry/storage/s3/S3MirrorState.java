// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.MirrorStateHandler;
import dev.berth.registry.storage.s3.Bucket.Condition;
import dev.berth.registry.storage.s3.Bucket.Stored;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * Mirror state in the bucket, so every node on it shares the cache: last upstream checks as
 * {@link Pulls} keeps last pulls, and fetch leases as {@code mirror-leases/REPO/_blobs/ALG/HEX}
 * holding {@code HOLDER UNTIL-MILLIS}, taken and released by compare-and-swap; a released lease
 * is an empty record (a tombstone).
 */
final class S3MirrorState implements MirrorStateHandler {
    private static final int ATTEMPTS = 10;
    private final Bucket bucket;
    private final Pulls checks;

    S3MirrorState(Bucket bucket) {
        this.bucket = bucket;
        this.checks = new Pulls(bucket, "mirror-checks/");
    }

    private record Lease(String holder, long until) {
        static Optional<Lease> of(Stored stored) {
            String[] parts = new String(stored.body(), StandardCharsets.US_ASCII).trim().split(" ");
            try {
                return parts.length == 2 ? Optional.of(new Lease(parts[0], Long.parseLong(parts[1]))) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty(); // unreadable: as good as expired
            }
        }
    }

    private static String key(Repository repo, Digest digest) {
        return "mirror-leases/" + repo.name() + "/_blobs/" + digest.algorithm().id() + "/" + digest.encoded();
    }

    @Override
    public void recordCheck(Repository repo, Tag tag, Instant at) throws IOException {
        checks.record(repo, tag, at);
    }

    @Override
    public Optional<Instant> lastCheck(Repository repo, Tag tag) throws IOException {
        return checks.one(repo, tag);
    }

    @Override
    public boolean lease(Repository repo, Digest digest, String holder, Instant now, Instant until) throws IOException {
        String key = key(repo, digest);
        byte[] body = (holder + " " + until.toEpochMilli()).getBytes(StandardCharsets.US_ASCII);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Stored> current = bucket.read(key);
            Optional<Lease> held = current.filter(s -> !s.tombstone()).flatMap(Lease::of);
            if (held.isPresent() && !held.get().holder().equals(holder) && held.get().until() > now.toEpochMilli()) {
                return false;
            }
            if (bucket.putIf(key, body, Condition.of(current)).isPresent()) {
                return true;
            }
        }
        return false; // others keep taking it
    }

    @Override
    public void release(Repository repo, Digest digest, String holder) throws IOException {
        String key = key(repo, digest);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Stored> current = bucket.readLive(key);
            if (current.flatMap(Lease::of).filter(l -> l.holder().equals(holder)).isEmpty()) {
                return; // not this holder's
            }
            if (bucket.putIf(key, new byte[0], Condition.matches(current.get().etag())).isPresent()) {
                return;
            }
        }
    }
}
