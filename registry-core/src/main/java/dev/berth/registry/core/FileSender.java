// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A host's fast path for blob bodies, handed to core as the servlet context attribute
 * {@link #ATTRIBUTE} (set once when the host mounts the registry): sends {@code length} bytes of {@code channel} from {@code position} as the
 * response body (status and headers are already set). Core falls back to copying streams when no
 * sender is present. server-jetty installs one that hands the file to the kernel ({@code sendfile}) on plain
 * HTTP/1.1 connections and reads it into direct buffers otherwise.
 */
@FunctionalInterface
public interface FileSender {
    String ATTRIBUTE = FileSender.class.getName();

    void send(HttpServletRequest request, HttpServletResponse response, FileChannel channel, long position, long length)
            throws IOException;
}
