// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import dev.berth.registry.core.FileSender;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.jetty.ee10.servlet.HttpOutput;

/**
 * The {@link FileSender} BerthServer hands core as a context attribute: blob files are read
 * into reused direct buffers and written to the socket, so blob bytes never pass through the heap.
 */
final class JettyFileSender implements FileSender {
    /** Direct buffers for file sends, reused: Jetty writes a buffer this large straight to the socket. */
    private static final int CHUNK = 1024 * 1024;
    private static final int POOLED = 8;
    private final ConcurrentLinkedQueue<ByteBuffer> buffers = new ConcurrentLinkedQueue<>();

    @Override
    public void send(HttpServletResponse response, FileChannel channel, long position, long length) throws IOException {
        ServletOutputStream out = response.getOutputStream();
        if (!(out instanceof HttpOutput jetty)) {
            throw new IOException("not a Jetty response: " + out.getClass().getName());
        }
        ByteBuffer buffer = buffers.poll();
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(CHUNK);
        }
        try {
            long offset = position;
            long end = position + length;
            while (offset < end) {
                buffer.clear().limit((int) Math.min(CHUNK, end - offset));
                while (buffer.hasRemaining()) {
                    int n = channel.read(buffer, offset + buffer.position());
                    if (n < 0) {
                        throw new IOException("blob file ended " + (end - offset - buffer.position()) + " bytes early");
                    }
                }
                offset += buffer.flip().remaining();
                jetty.write(buffer);
            }
        } finally {
            if (buffers.size() < POOLED) {
                buffers.offer(buffer);
            }
        }
    }
}
