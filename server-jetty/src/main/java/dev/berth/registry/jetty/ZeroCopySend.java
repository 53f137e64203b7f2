// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.HttpOutput;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Blob bodies by {@code sendfile(2)} on plain HTTP/1.1 connections: the kernel moves the file's
 * pages to the socket, and no blob byte enters user space. Jetty 12 has no API for this (its
 * PR #14562 proposes one), so the request's stream gets a wrapper that recognises one exact
 * buffer: the servlet writes a read-only mapping of the file region through Jetty as usual,
 * which keeps Jetty's content-length accounting exact, and the wrapper, instead of copying the
 * mapping, sends the response headers, then the region with {@link FileChannel#transferTo}.
 * Should any other layer take the buffer instead, it holds the file's real bytes, so the
 * response is right either way, only slower.
 */
final class ZeroCopySend extends HttpStream.Wrapper {
    /** A mapping is limited to 2 GiB; larger blobs are sent in windows of this size (tests set less). */
    private static final long WINDOW = Long.getLong("berth.sendfile.window", 1L << 30);
    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private final SocketChannelEndPoint endPoint;
    private volatile Pending pending;

    private record Pending(ByteBuffer window, FileChannel file, long position, Thread writer) {
    }

    private ZeroCopySend(HttpStream wrapped, SocketChannelEndPoint endPoint) {
        super(wrapped);
        this.endPoint = endPoint;
    }

    /** Installs the wrapper on this request's stream, if its connection is plain HTTP/1. */
    static Optional<ZeroCopySend> install(HttpServletRequest request) {
        if (UNSAFE == null) {
            return Optional.empty();
        }
        ServletContextRequest core = ServletContextRequest.getServletContextRequest(request);
        if (core == null || !(core.getConnectionMetaData().getConnection() instanceof HttpConnection http)
                || !(http.getEndPoint() instanceof SocketChannelEndPoint socket)) {
            return Optional.empty(); // TLS, HTTP/2 or a test double: the buffered path
        }
        ZeroCopySend[] installed = new ZeroCopySend[1];
        core.addHttpStreamWrapper(stream -> installed[0] = new ZeroCopySend(stream, socket));
        return Optional.ofNullable(installed[0]);
    }

    /** Sends {@code length} bytes of {@code file} from {@code position} as (the rest of) the body. */
    void send(HttpOutput out, FileChannel file, long position, long length) throws IOException {
        long end = position + length;
        if (file.size() < end) {
            throw new IOException("blob file holds " + file.size() + " bytes, " + end + " expected");
        }
        for (long offset = position; offset < end; ) {
            long count = Math.min(WINDOW, end - offset);
            MappedByteBuffer window = file.map(FileChannel.MapMode.READ_ONLY, offset, count);
            Pending mine = new Pending(window, file, offset, Thread.currentThread());
            pending = mine;
            try {
                out.write(window);
            } finally {
                // consumed by send() below, never handed to Jetty: unmap now rather than at some
                // later GC, so mappings cannot pile up to the kernel's per-process limit
                boolean taken = pending == null;
                pending = null;
                if (taken) {
                    UNSAFE.invokeCleaner(window);
                }
            }
            offset += count;
        }
    }

    @Override
    public void send(MetaData.Request request, MetaData.Response response, boolean last, ByteBuffer content,
                     Callback callback) {
        Pending mine = pending;
        if (mine == null || content != mine.window() || Thread.currentThread() != mine.writer()) {
            super.send(request, response, last, content, callback);
            return;
        }
        pending = null;
        try {
            if (response != null) {
                Callback.Completable headers = new Callback.Completable();
                super.send(request, response, false, BufferUtil.EMPTY_BUFFER, headers);
                await(headers);
            }
            transfer(mine.file(), mine.position(), content.remaining());
            content.position(content.limit());
        } catch (Throwable failure) {
            callback.failed(failure);
            return;
        }
        if (last) {
            super.send(null, null, true, BufferUtil.EMPTY_BUFFER, callback);
        } else {
            callback.succeeded();
        }
    }

    private void await(Callback.Completable headers) throws IOException {
        long timeout = endPoint.getIdleTimeout();
        try {
            if (timeout > 0) {
                headers.get(timeout, TimeUnit.MILLISECONDS);
            } else {
                headers.get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the client read no response headers for " + timeout + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending response headers");
        }
    }

    /**
     * The socket is non-blocking (Jetty's selector owns it), so when its send buffer is full
     * this thread waits on a selector of its own, as a blocking servlet write would, for at
     * most the connection's idle timeout without progress.
     */
    private void transfer(FileChannel file, long position, long count) throws IOException {
        SocketChannel socket = endPoint.getChannel();
        long timeout = endPoint.getIdleTimeout();
        Selector selector = null;
        try {
            long done = 0;
            while (done < count) {
                long sent = file.transferTo(position + done, count - done, socket);
                if (sent > 0) {
                    done += sent;
                    endPoint.notIdle();
                    continue;
                }
                if (selector == null) {
                    selector = Selector.open();
                    socket.register(selector, SelectionKey.OP_WRITE);
                }
                long waitUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
                while (selector.select(timeout) == 0) {
                    if (!socket.isOpen()) {
                        throw new IOException("connection closed while sending a blob");
                    }
                    if (timeout > 0 && System.nanoTime() - waitUntil >= 0) {
                        throw new IOException("the client read nothing for " + timeout + " ms");
                    }
                }
                selector.selectedKeys().clear();
            }
        } finally {
            if (selector != null) {
                selector.close();
            }
        }
    }

    /** Unmapping on demand needs {@code Unsafe.invokeCleaner} before Java 22's FFM arenas. */
    private static sun.misc.Unsafe unsafe() {
        try {
            Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            return (sun.misc.Unsafe) field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
