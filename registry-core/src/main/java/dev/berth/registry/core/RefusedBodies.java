// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads and discards the body of a refused request, up to a limit, so that the client reads our
 * error: closing on a client still sending would reset the connection and destroy the answer.
 */
final class RefusedBodies {
    /** Largest refused body read and discarded (covers oversized manifests). */
    private static final long DRAIN_LIMIT = 16L * 1024 * 1024;

    private RefusedBodies() {
    }

    /** Whether the connection can carry another request after this refusal (false: answer {@code Connection: close}). */
    static boolean drain(HttpServletRequest request) {
        return !hasUnreadBody(request) || discard(request);
    }

    private static boolean discard(HttpServletRequest request) {
        if (request.getContentLengthLong() > DRAIN_LIMIT) {
            return false;
        }
        try {
            InputStream in = request.getInputStream();
            byte[] sink = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(sink)) >= 0) {
                total += n;
                if (total > DRAIN_LIMIT) {
                    return false;
                }
            }
            return true;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    private static boolean hasUnreadBody(HttpServletRequest request) {
        try {
            return (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null)
                    && !request.getInputStream().isFinished();
        } catch (IOException | IllegalStateException e) {
            return true;
        }
    }
}
