// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;

/**
 * A request whose body reads are reported to a {@link Meter}: the journal counts the bytes, a
 * host cuts off bodies that trickle.
 */
public final class MeteredRequest extends HttpServletRequestWrapper {
    /** Told {@code 0} before each read and the bytes read after it; may refuse by throwing. */
    @FunctionalInterface
    public interface Meter {
        void read(int bytes) throws IOException;
    }

    private final Meter meter;
    private ServletInputStream stream;

    public MeteredRequest(HttpServletRequest request, Meter meter) {
        super(request);
        this.meter = meter;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (stream == null) {
            ServletInputStream in = super.getInputStream();
            stream = new ServletInputStream() {
                @Override
                public int read() throws IOException {
                    meter.read(0);
                    int b = in.read();
                    meter.read(b < 0 ? 0 : 1);
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    meter.read(0);
                    int n = in.read(b, off, len);
                    meter.read(Math.max(n, 0));
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
            };
        }
        return stream;
    }
}
