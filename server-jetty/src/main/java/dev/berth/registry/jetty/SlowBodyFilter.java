// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import dev.berth.registry.core.MeteredRequest;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;

/**
 * Cuts off a request body that trickles: once the handler has been reading it for a grace
 * period, the average rate since its first read must stay above a floor. Measured from the
 * first read rather than the request's start (as Jetty's own minimum rate is), so a server busy
 * before it reads never fails a small body, and a client that stalls completely is still closed
 * by the read timeout.
 */
final class SlowBodyFilter implements Filter {
    private static final long GRACE_NANOS = 10_000_000_000L;

    private final long minBytesPerSecond;

    SlowBodyFilter(long minBytesPerSecond) {
        this.minBytesPerSecond = minBytesPerSecond;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (minBytesPerSecond <= 0 || !(request instanceof HttpServletRequest http)) {
            chain.doFilter(request, response);
            return;
        }
        chain.doFilter(new MeteredRequest(http, new Rate()), response);
    }

    /** The average rate since the first read, checked around every read. */
    private final class Rate implements MeteredRequest.Meter {
        private long started = -1;
        private long bytes;

        @Override
        public void read(int n) throws IOException {
            long now = System.nanoTime();
            if (started < 0) {
                started = now;
            }
            bytes += n;
            long elapsed = now - started;
            if (elapsed > GRACE_NANOS && bytes * 1_000_000_000L / elapsed < minBytesPerSecond) {
                throw new IOException("request body arrives at " + bytes * 1_000_000_000L / elapsed
                        + " B/s, below the minimum of " + minBytesPerSecond + " B/s: cut off");
            }
        }
    }
}
