// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.UploadHandler;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most so many open upload sessions per client (its user name, or its address when
 * anonymous): a client cannot fill the disk with sessions it never finishes. Sessions that
 * ended elsewhere (expiry, a restart) are found out when the limit is reached.
 */
final class UploadLimits {
    private final int perClient;
    private final Map<String, Set<String>> sessionsByClient = new ConcurrentHashMap<>();
    private final Map<String, String> clientBySession = new ConcurrentHashMap<>();

    UploadLimits(int perClient) {
        this.perClient = perClient;
    }

    static String client(Exchange ex) {
        return ex.caller.filter(AccessControl.Caller::authenticated).map(c -> "user " + c.name())
                .orElse("address " + ex.request.getRemoteAddr());
    }

    /** Counts a new session for {@code client}, or refuses with 429 when it holds too many. */
    void admit(String client, String id, UploadHandler uploads) throws IOException {
        Set<String> open = sessionsByClient.computeIfAbsent(client, c -> ConcurrentHashMap.newKeySet());
        if (open.size() >= perClient) {
            for (String old : Set.copyOf(open)) {
                try {
                    uploads.open(old);
                } catch (NotFoundException e) {
                    release(old);
                }
            }
        }
        synchronized (open) {
            if (open.size() >= perClient) {
                throw new RegistryException(ErrorCode.TOOMANYREQUESTS, 429, client + " has " + open.size()
                        + " upload sessions open, the most allowed; finish or cancel some", null)
                        .header("Retry-After", "60");
            }
            open.add(id);
            clientBySession.put(id, client);
        }
    }

    int total() {
        return clientBySession.size();
    }

    void release(String id) {
        String client = clientBySession.remove(id);
        if (client != null) {
            Set<String> open = sessionsByClient.get(client);
            if (open != null) {
                open.remove(id);
            }
        }
    }
}
