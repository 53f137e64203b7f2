// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.UploadHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most so many active upload sessions per client (its user name, or its address when
 * anonymous): a client cannot fill the disk with sessions it keeps open. A session with no
 * request for longer than the idle limit stops counting (it stays usable, and counts again once
 * used), so a client that walked away from its sessions can push again soon, while one that keeps
 * them all busy stays limited. Sessions that ended elsewhere (expiry, a restart) are found out
 * when the limit is reached.
 */
final class UploadLimits {
    private final int perClient;
    private final long idleNanos;
    private final Map<String, Set<String>> sessionsByClient = new ConcurrentHashMap<>();
    private final Map<String, String> clientBySession = new ConcurrentHashMap<>();
    private final Map<String, Activity> activity = new ConcurrentHashMap<>();

    /** When a session was last used, and how many requests use it now. */
    private static final class Activity {
        volatile long lastUsed = System.nanoTime();
        final AtomicInteger inUse = new AtomicInteger();
    }

    UploadLimits(int perClient, Duration idle) {
        this.perClient = perClient;
        this.idleNanos = idle.toNanos();
    }

    static String client(Exchange ex) {
        return ex.caller.filter(AccessControl.Caller::authenticated).map(c -> "user " + c.name())
                .orElse("address " + ex.request.getRemoteAddr());
    }

    /** One request's use of a session. */
    interface Use extends AutoCloseable {
        @Override
        void close();
    }

    /** Marks {@code id} in use for one request; closing marks it used just now. */
    Use use(String id) {
        Activity a = activity.get(id);
        if (a == null) {
            return () -> { };
        }
        a.inUse.incrementAndGet();
        a.lastUsed = System.nanoTime();
        return () -> {
            a.lastUsed = System.nanoTime();
            a.inUse.decrementAndGet();
        };
    }

    /** Counts a new session for {@code client}, or refuses with 429 when it has too many active ones. */
    void admit(String client, String id, UploadHandler uploads) throws IOException {
        Set<String> open = sessionsByClient.computeIfAbsent(client, c -> ConcurrentHashMap.newKeySet());
        if (active(open).size() >= perClient) {
            for (String old : Set.copyOf(open)) {
                try {
                    uploads.open(old);
                } catch (NotFoundException e) {
                    release(old);
                }
            }
        }
        synchronized (open) {
            List<Activity> active = active(open);
            if (active.size() >= perClient) {
                long now = System.nanoTime();
                long soonest = active.stream().filter(a -> a.inUse.get() == 0)
                        .mapToLong(a -> a.lastUsed + idleNanos - now).min().orElse(idleNanos);
                long seconds = Math.max(1, (soonest + 999_999_999L) / 1_000_000_000L);
                throw new RegistryException(ErrorCode.TOOMANYREQUESTS, 429, client + " has " + active.size()
                        + " upload sessions in use, the most allowed; finish or cancel some, or leave one idle for "
                        + Duration.ofNanos(idleNanos).toSeconds() + " s", null).header("Retry-After", Long.toString(seconds));
            }
            open.add(id);
            clientBySession.put(id, client);
            activity.put(id, new Activity());
        }
    }

    /** The sessions of {@code open} used within the idle limit or in use now. */
    private List<Activity> active(Set<String> open) {
        long now = System.nanoTime();
        return open.stream().map(activity::get).filter(a -> a != null
                && (a.inUse.get() > 0 || now - a.lastUsed < idleNanos)).toList();
    }

    int total() {
        return clientBySession.size();
    }

    void release(String id) {
        activity.remove(id);
        String client = clientBySession.remove(id);
        if (client != null) {
            Set<String> open = sessionsByClient.get(client);
            if (open != null) {
                open.remove(id);
            }
        }
    }
}
