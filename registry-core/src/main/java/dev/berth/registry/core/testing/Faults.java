// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core.testing;

import dev.berth.registry.core.ErrorCode;
import dev.berth.registry.core.RegistryException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Applies the injected {@link Fault}s to a matched request (core's router calls it). */
public final class Faults {
    private Faults() {
    }

    /** Sleeps, fails or wraps the response as the first matching fault says; returns the response to use. */
    public static HttpServletResponse apply(List<Fault> faults, String routeId, String method, Optional<String> repository,
                                     HttpServletResponse response) {
        Fault triggered = null;
        for (Fault fault : faults) { // every fault counts every request it filters for, independently
            if (fault.matches(routeId, method, repository) && triggered == null) {
                triggered = fault;
            }
        }
        if (triggered != null) {
            Fault fault = triggered;
            if (!fault.latency().isZero()) {
                try {
                    Thread.sleep(fault.latency().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            switch (fault.kind()) {
                case STATUS -> {
                    if (fault.status() == 429) {
                        throw new RegistryException(ErrorCode.TOOMANYREQUESTS, 429, "too many requests (injected fault)",
                                null).header("Retry-After", String.valueOf(fault.retryAfter().orElseThrow().toSeconds()));
                    }
                    throw new RegistryException(ErrorCode.UNKNOWN, fault.status(), "injected fault", null);
                }
                case DROP -> throw new DroppedConnection();
                case SHORT_READ -> {
                    return new ShortReadResponse(response, fault.shortReadBytes());
                }
                case NONE -> { }
            }
        }
        return response;
    }

    /** Lets {@code limit} body bytes through, then drops the connection. */
    private static final class ShortReadResponse extends HttpServletResponseWrapper {
        private final long limit;
        private ServletOutputStream stream;

        ShortReadResponse(HttpServletResponse response, long limit) {
            super(response);
            this.limit = limit;
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (stream == null) {
                ServletOutputStream out = super.getOutputStream();
                stream = new ServletOutputStream() {
                    private long written;

                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        int allowed = (int) Math.min(len, limit - written);
                        if (allowed > 0) {
                            out.write(b, off, allowed);
                            written += allowed;
                        }
                        if (allowed < len) {
                            out.flush();
                            throw new DroppedConnection();
                        }
                    }

                    @Override
                    public boolean isReady() {
                        return out.isReady();
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                        out.setWriteListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
