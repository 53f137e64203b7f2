// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Optional;

/** What one request matched, filled in as routing proceeds; read by the request log and the journal. */
final class Dispatch {
    Route route;
    Map<String, String> params = Map.of();
    HttpServletResponse response;
    String caller;

    Dispatch(HttpServletResponse response) {
        this.response = response;
    }

    String routeId() {
        return route == null ? "none" : route.id();
    }

    Optional<String> repository() {
        return Optional.ofNullable(params.get("name"));
    }

    /** The tag, digest or upload id after the route's fixed part. */
    Optional<String> reference() {
        return Optional.ofNullable(params.getOrDefault("digest", params.getOrDefault("ref", params.get("id"))));
    }
}
