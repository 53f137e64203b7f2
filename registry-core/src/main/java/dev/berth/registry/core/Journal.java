// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * Every request the registry answered, for tests to assert on: "was this manifest pushed?",
 * "which chunk sizes arrived?", "how many times was this blob fetched?". Enable it with
 * {@link Registry.Builder#journal()}; read it with {@link Registry#journal()}.
 */
public final class Journal {

    /**
     * One answered request.
     *
     * @param route       the spec endpoint id the request matched ({@code end-2}, {@code end-7}, …),
     *                    or {@code none}
     * @param repository  the repository name, if the path had one
     * @param reference   the tag, digest or upload id after the route's fixed part, if any
     * @param bytesIn     request body bytes the registry read
     * @param contentRange the {@code Content-Range} header, if sent
     */
    public record Entry(String method, String path, String query, String route, Optional<String> repository,
                        Optional<String> reference, int status, long bytesIn, Optional<String> contentRange) {

        /** A manifest PUT that succeeded. */
        public boolean isManifestPush() {
            return route.equals("end-7") && status == 201;
        }

        /** A blob GET (not HEAD) that succeeded. */
        public boolean isBlobFetch() {
            return route.equals("end-2") && method.equals("GET") && (status == 200 || status == 206);
        }
    }

    private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();

    void record(Entry entry) {
        entries.add(entry);
    }

    /** Everything, oldest first. */
    public List<Entry> entries() {
        return new ArrayList<>(entries);
    }

    public List<Entry> matching(Predicate<Entry> filter) {
        return entries.stream().filter(filter).toList();
    }

    /** Whether a manifest was pushed to {@code repository} under {@code tagOrDigest}. */
    public boolean manifestPushed(String repository, String tagOrDigest) {
        return entries.stream().anyMatch(e -> e.isManifestPush() && e.repository().equals(Optional.of(repository))
                && e.reference().equals(Optional.of(tagOrDigest)));
    }

    /** How many times the blob was fetched (GET) through {@code repository}. */
    public long blobFetches(String repository, String digest) {
        return entries.stream().filter(e -> e.isBlobFetch() && e.repository().equals(Optional.of(repository))
                && e.reference().equals(Optional.of(digest))).count();
    }

    /** The body sizes of every upload chunk (PATCH, and closing PUT with a body) sent to {@code repository}, in order. */
    public List<Long> chunkSizes(String repository) {
        return entries.stream().filter(e -> e.repository().equals(Optional.of(repository))
                        && (e.route().equals("end-5") || (e.route().equals("end-6") && e.bytesIn() > 0)))
                .map(Entry::bytesIn).toList();
    }

    public void clear() {
        entries.clear();
    }
}
