// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The index of which repositories hold a blob: a key {@code holders/ALG/HEX/REPO!} per link (the
 * {@code !}, as in the catalog's keys, keeps {@code a!} from blocking {@code a/b!} on stores that
 * map keys to files). Written after a new link is PENDING and before it is LIVE; removed after
 * the link is, then put back if the link is there again (another node pushed it meanwhile and
 * may have written the entry before the removal), so a live link always has its entry. A crash
 * between removing a link and its entry leaves an entry without a link: a mount from it fails
 * and core tries the next holder; such entries go with the content.
 */
final class Holders {
    /** Written once every link made before the index existed has its entry. */
    static final String COMPLETE = Keys.HOLDERS + "complete";
    private static final byte[] PRESENT = {'1'};

    private final Bucket bucket;
    /** Seen {@link #COMPLETE} once: no later pass of this node asks the bucket again. */
    private volatile boolean complete;

    Holders(Bucket bucket) {
        this.bucket = bucket;
    }

    void add(Repository repo, Digest digest) throws IOException {
        bucket.put(Keys.holder(digest, repo), PRESENT);
    }

    /** After the link of {@code repo} to {@code digest} was removed: removes its entry unless the link is back. */
    void unlinked(Repository repo, Digest digest) throws IOException {
        bucket.delete(Keys.holder(digest, repo));
        if (bucket.readLive(Keys.link(repo, digest)).isPresent()) {
            add(repo, digest);
        }
    }

    /**
     * Removes the entries of content that is gone, each as {@link #unlinked}: a push that links
     * the digest again while this runs keeps its entry.
     */
    void removeAll(Digest digest) throws IOException {
        String under = Keys.holders(digest);
        List<String> names = new ArrayList<>();
        bucket.list(under, Optional.empty(), entry -> names.add(entry.key().substring(under.length())));
        for (String name : names) {
            if (!name.endsWith("!")) {
                bucket.delete(under + name);
                continue;
            }
            unlinked(new Repository(name.substring(0, name.length() - 1)), digest);
        }
    }

    /** locate-3: the first {@code limit} holders, in key order. */
    List<Repository> list(Digest digest, int limit) throws IOException {
        String under = Keys.holders(digest);
        List<Repository> found = new ArrayList<>();
        bucket.listUntil(under, Optional.empty(), entry -> {
            String name = entry.key().substring(under.length());
            if (entry.size() > 0 && name.endsWith("!")) {
                found.add(new Repository(name.substring(0, name.length() - 1)));
            }
            return found.size() < limit;
        });
        return found;
    }

    /**
     * Gives every link written before the index existed its entry, once per bucket: a walk over
     * every link, then the {@link #COMPLETE} marker. Called by the collector.
     */
    void completeOnce() throws IOException {
        if (complete || bucket.exists(COMPLETE)) {
            complete = true;
            return;
        }
        List<String> links = new ArrayList<>();
        bucket.list(Keys.REPOSITORIES, Optional.empty(), entry -> {
            if (entry.size() > 0 && entry.key().contains(Keys.LAYERS)) {
                links.add(entry.key());
            }
        });
        for (String link : links) {
            Optional<Digest> digest = Keys.trailingDigest(link);
            String name = link.substring(Keys.REPOSITORIES.length(), link.indexOf(Keys.LAYERS));
            if (digest.isPresent()) {
                add(new Repository(name), digest.get());
            }
        }
        bucket.put(COMPLETE, PRESENT);
        complete = true;
    }
}
