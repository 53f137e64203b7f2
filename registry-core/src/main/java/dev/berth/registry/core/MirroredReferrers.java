// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import java.io.IOException;
import java.util.Optional;

/**
 * end-12 in a mirrored repository: the upstream's referrers list, passed through as it is (the
 * referrers themselves are then fetched by digest, and cached, like any manifest). When the
 * upstream cannot answer, what is cached answers, with a {@code Warning}.
 */
final class MirroredReferrers {
    private static final int MAX_LIST_BYTES = 4 * 1024 * 1024;

    private MirroredReferrers() {
    }

    /** Whether the upstream's answer was sent; false leaves the answer to the cached referrers. */
    static boolean served(Exchange ex, MirrorTarget target, Digest subject, Optional<String> artifactType)
            throws IOException {
        if (!target.allowed()) {
            throw target.notMirrored(target.remote());
        }
        byte[] list;
        Optional<String> filtered;
        try (UpstreamClient.Answer answer = target.client().referrers(target.remote(), subject, artifactType)) {
            list = answer.body().readNBytes(MAX_LIST_BYTES + 1);
            filtered = answer.header("OCI-Filters-Applied");
        } catch (UpstreamException e) {
            if (e.kind != UpstreamException.Kind.NOT_FOUND) { // 404: an upstream without the API, nothing to add
                target.client().counts.staleServed.increment();
                ex.header("Warning", "110 - \"Response is Stale: the upstream's referrers could not be asked: "
                        + e.getMessage().replace('"', '\'') + "\"");
            }
            return false;
        }
        JsonNode parsed = null;
        try {
            parsed = list.length > MAX_LIST_BYTES ? null : Json.MAPPER.readTree(list);
        } catch (IOException notJson) {
            // answered below from the cache
        }
        if (parsed == null || !parsed.path("manifests").isArray()) {
            ex.header("Warning", "110 - \"Response is Stale: the upstream's referrers list is not an index\"");
            return false;
        }
        filtered.ifPresent(f -> ex.header("OCI-Filters-Applied", f));
        ex.bytes(200, MediaType.OCI_INDEX.value(), list);
        return true;
    }
}
