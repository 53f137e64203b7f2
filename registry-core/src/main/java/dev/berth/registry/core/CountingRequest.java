// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;

/** Counts the body bytes read, for the journal. */
final class CountingRequest extends HttpServletRequestWrapper {
    private ServletInputStream stream;
    private long count;

    CountingRequest(HttpServletRequest request) {
        super(request);
    }

    long bytesRead() {
        return count;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (stream == null) {
            ServletInputStream in = super.getInputStream();
            stream = new ServletInputStream() {
                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0) {
                        count++;
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    if (n > 0) {
                        count += n;
                    }
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
