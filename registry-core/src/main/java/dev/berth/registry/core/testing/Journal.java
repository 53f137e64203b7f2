// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Every request the registry answered, for tests to assert on: "was this manifest pushed?",
 * "which chunk sizes arrived?", "how many times was this blob fetched?". Enable it with
 * {@code Registry.builder().journal()}; read it with {@code registry.journal()}. Core's router
 * writes it through {@link #begin} and {@link #record}.
 */
public final class Journal {

    /**
     * One answered request.
     *
     * @param route       the spec endpoint id the request matched ({@code end-2}, {@code end-7}, …),
     *                    or {@code none}
     * @param repository  the repository name, if the path had one
     * @param reference   the tag, digest or upload id after the route's fixed part, if any
     * @param status      the status the client received; 0 when the connection closed without an answer
     * @param bytesIn     request body bytes the registry read
     * @param contentRange the {@code Content-Range} header, if sent
     * @param outcome     whether the client got the whole answer
     */
    public record Entry(String method, String path, String query, String route, Optional<String> repository,
                        Optional<String> reference, int status, long bytesIn, Optional<String> contentRange,
                        Outcome outcome) {

        /** A manifest PUT that succeeded and whose answer reached the client. */
        public boolean isManifestPush() {
            return route.equals("end-7") && status == 201 && outcome == Outcome.COMPLETE;
        }

        /** A blob GET (not HEAD) that delivered the whole body. */
        public boolean isBlobFetch() {
            return route.equals("end-2") && method.equals("GET") && (status == 200 || status == 206)
                    && outcome == Outcome.COMPLETE;
        }
    }

    /** What the client actually got. */
    public enum Outcome {
        /** The whole answer. */
        COMPLETE,
        /** Nothing: the connection closed before any answer (an injected drop, or a failure before the headers). */
        DROPPED,
        /** The headers and part of the body, then the connection closed (a short read, or the client hung up). */
        TRUNCATED
    }

    /** How long a query waits for requests still being recorded. */
    private static final long SETTLE_MILLIS = 5_000;

    private final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();
    private final AtomicLong started = new AtomicLong();
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

    /** A request began; its entry follows with {@link #record}. */
    public long begin() {
        long id = started.incrementAndGet();
        inFlight.add(id);
        return id;
    }

    /** The request {@code id} (from {@link #begin}) was answered. */
    public void record(long id, Entry entry) {
        entries.add(entry);
        inFlight.remove(id);
        synchronized (this) {
            notifyAll();
        }
    }

    /**
     * Waits (at most 5 s) until every request begun so far is recorded: a client may read its
     * answer a moment before the registry has written the entry, and a test asserts right after.
     */
    private void settle() {
        long horizon = started.get();
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000;
        synchronized (this) {
            while (inFlight.stream().anyMatch(id -> id <= horizon)) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return;
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Everything, oldest first; requests in progress when called are waited for (at most 5 s). */
    public List<Entry> entries() {
        settle();
        return new ArrayList<>(entries);
    }

    public List<Entry> matching(Predicate<Entry> filter) {
        return entries().stream().filter(filter).toList();
    }

    /** Whether a manifest was pushed to {@code repository} under {@code tagOrDigest}. */
    public boolean manifestPushed(String repository, String tagOrDigest) {
        return entries().stream().anyMatch(e -> e.isManifestPush() && e.repository().equals(Optional.of(repository))
                && e.reference().equals(Optional.of(tagOrDigest)));
    }

    /** How many times the blob was fetched (GET) through {@code repository}. */
    public long blobFetches(String repository, String digest) {
        return entries().stream().filter(e -> e.isBlobFetch() && e.repository().equals(Optional.of(repository))
                && e.reference().equals(Optional.of(digest))).count();
    }

    /** The body sizes of every upload chunk (PATCH, and closing PUT with a body) sent to {@code repository}, in order. */
    public List<Long> chunkSizes(String repository) {
        return entries().stream().filter(e -> e.repository().equals(Optional.of(repository))
                        && (e.route().equals("end-5") || (e.route().equals("end-6") && e.bytesIn() > 0)))
                .map(Entry::bytesIn).toList();
    }

    /**
     * Forgets every request begun so far, waiting (at most 5 s) for those in progress to be
     * recorded first: a request whose answer a client already read is never counted after the clear.
     */
    public void clear() {
        settle();
        entries.clear();
    }
}
