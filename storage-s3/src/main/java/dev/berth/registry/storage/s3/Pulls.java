// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.storage.s3.Bucket.Condition;
import dev.berth.registry.storage.s3.Bucket.Entry;
import dev.berth.registry.storage.s3.Bucket.Stored;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A time per tag as one small object, {@code ROOT/REPO/_tags/TAG} holding epoch milliseconds,
 * raised only by compare-and-swap so that a server writing an older time never lowers it: last
 * pulls under {@code pulls/}, the mirror's last upstream checks under {@code mirror-checks/}.
 */
final class Pulls {
    private static final int ATTEMPTS = 10;
    private final Bucket bucket;
    private final String root;

    Pulls(Bucket bucket, String root) {
        this.bucket = bucket;
        this.root = root;
    }

    private String prefix(Repository repo) {
        return root + repo.name() + "/_tags/";
    }

    /** mirror-check-3: the time recorded for {@code tag}. */
    Optional<Instant> one(Repository repo, Tag tag) throws IOException {
        return bucket.readLive(prefix(repo) + tag.value()).flatMap(Pulls::millis).map(Instant::ofEpochMilli);
    }

    /** pulls-1. */
    void record(Repository repo, Tag tag, Instant at) throws IOException {
        String key = prefix(repo) + tag.value();
        byte[] body = Long.toString(at.toEpochMilli()).getBytes(StandardCharsets.US_ASCII);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Stored> current = bucket.read(key);
            if (current.isPresent() && millis(current.get()).filter(m -> m >= at.toEpochMilli()).isPresent()) {
                return; // a later pull is recorded
            }
            if (bucket.putIf(key, body, Condition.of(current)).isPresent()) {
                return;
            }
        }
        throw new IOException("last pull of " + tag + " in " + repo + " keeps changing");
    }

    /** pulls-3. */
    Map<Tag, Instant> all(Repository repo) throws IOException {
        Map<Tag, Instant> pulls = new HashMap<>();
        String prefix = prefix(repo);
        for (Entry entry : bucket.listLive(prefix)) {
            Optional<Stored> stored = bucket.readLive(entry.key());
            Optional<Long> millis = stored.flatMap(Pulls::millis);
            if (millis.isPresent()) {
                pulls.put(new Tag(entry.key().substring(prefix.length())), Instant.ofEpochMilli(millis.get()));
            }
        }
        return pulls;
    }

    private static Optional<Long> millis(Stored stored) {
        try {
            return Optional.of(Long.parseLong(new String(stored.body(), StandardCharsets.US_ASCII).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
