// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
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
        chain.doFilter(new HttpServletRequestWrapper(http) {
            private ServletInputStream wrapped;

            @Override
            public ServletInputStream getInputStream() throws IOException {
                if (wrapped == null) {
                    wrapped = new Metered(super.getInputStream());
                }
                return wrapped;
            }
        }, response);
    }

    private final class Metered extends ServletInputStream {
        private final ServletInputStream in;
        private long started = -1;
        private long bytes;

        Metered(ServletInputStream in) {
            this.in = in;
        }

        private void check(int n) throws IOException {
            long now = System.nanoTime();
            if (started < 0) {
                started = now;
            }
            if (n > 0) {
                bytes += n;
            }
            long elapsed = now - started;
            if (elapsed > GRACE_NANOS && bytes * 1_000_000_000L / elapsed < minBytesPerSecond) {
                throw new IOException("request body arrives at " + bytes * 1_000_000_000L / elapsed
                        + " B/s, below the minimum of " + minBytesPerSecond + " B/s: cut off");
            }
        }

        @Override
        public int read() throws IOException {
            check(0);
            int b = in.read();
            check(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check(0);
            int n = in.read(b, off, len);
            check(n);
            return n;
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
