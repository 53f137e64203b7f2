// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import dev.berth.registry.core.FileSender;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import org.eclipse.jetty.ee10.servlet.HttpOutput;

/**
 * Offers core a {@link FileSender} on every request: Jetty reads the blob file straight into its
 * pooled direct buffers and writes them to the socket, so blob bytes never pass through the heap.
 */
public final class JettyFileSender implements Filter, FileSender {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        request.setAttribute(ATTRIBUTE, this);
        chain.doFilter(request, response);
    }

    @Override
    public void send(HttpServletResponse response, FileChannel channel, long position, long length) throws IOException {
        ServletOutputStream out = response.getOutputStream();
        if (!(out instanceof HttpOutput jetty)) {
            throw new IOException("not a Jetty response: " + out.getClass().getName());
        }
        jetty.sendContent(new Window(channel, position, length));
    }

    /** The bytes [position, position + length) of a file, read with positional reads. */
    private static final class Window implements ReadableByteChannel {
        private final FileChannel channel;
        private long position;
        private long remaining;

        Window(FileChannel channel, long position, long length) {
            this.channel = channel;
            this.position = position;
            this.remaining = length;
        }

        @Override
        public int read(ByteBuffer target) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int limit = target.limit();
            if (target.remaining() > remaining) {
                target.limit(target.position() + (int) remaining);
            }
            int n = channel.read(target, position);
            target.limit(limit);
            if (n < 0) {
                throw new IOException("blob file ended " + remaining + " bytes early");
            }
            position += n;
            remaining -= n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() {
            // the blob stream owns the channel
        }
    }
}
