// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core.testing;

import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Adds a {@code Warning: 299} header to a share of the answers, as distribution-spec registries
 * may, so that tests see their client surface it.
 */
public record Warnings(double probability, String text) {
    public static final Warnings NONE = new Warnings(0, "");

    public Warnings {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("probability must be within [0, 1]: " + probability);
        }
        text = text.replace("\"", "'");
    }

    /** Adds the header to {@code response} with the configured probability. */
    public void apply(HttpServletResponse response) {
        if (probability > 0 && ThreadLocalRandom.current().nextDouble() < probability) {
            response.addHeader("Warning", "299 - \"" + text + "\"");
        }
    }
}
