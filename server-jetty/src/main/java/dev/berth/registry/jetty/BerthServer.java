// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import dev.berth.registry.core.FileSender;
import dev.berth.registry.core.Registry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.RequestLogWriter;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A {@link Registry} served by Jetty 12 at the site root. Closing stops accepting, lets
 * in-flight requests finish (up to the stop timeout) and closes the storage.
 */
public final class BerthServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BerthServer.class.getName());
    /** How long a stop waits for in-flight requests. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Server server;
    private final ServerConnector connector;
    private final Registry registry;
    private final ScheduledExecutorService housekeeping;
    private final BusyConnections busy;

    private BerthServer(Server server, ServerConnector connector, Registry registry,
                        ScheduledExecutorService housekeeping, BusyConnections busy) {
        this.server = server;
        this.connector = connector;
        this.registry = registry;
        this.housekeeping = housekeeping;
        this.busy = busy;
    }

    /** {@code registry} on 127.0.0.1 and a free port, without a request log. */
    public static BerthServer start(Registry registry) throws IOException {
        return start(registry, "127.0.0.1", 0, false);
    }

    /** Starts serving {@code registry} on {@code host:port} (port 0: any free port); closing is quick. */
    public static BerthServer start(Registry registry, String host, int port, boolean requestLog) throws IOException {
        return start(registry, host, port, requestLog, Duration.ofSeconds(1));
    }

    /**
     * As {@link #start(Registry, String, int, boolean)}; while stopping, connections silent for
     * {@code shutdownIdle} are closed (in-flight requests with traffic finish, up to 30 s).
     */
    public static BerthServer start(Registry registry, String host, int port, boolean requestLog,
                                    Duration shutdownIdle) throws IOException {
        return start(registry, host, port, requestLog, shutdownIdle, Optional.empty());
    }

    static BerthServer start(Registry registry, String host, int port, boolean requestLog, Duration shutdownIdle,
                             Optional<SslContextFactory.Server> tls) throws IOException {
        return start(registry, Listener.on(host, port).withRequestLog(requestLog ? Optional.of(ncsaLog()) : Optional.empty())
                .withShutdownIdle(shutdownIdle).withTls(tls));
    }

    /**
     * How the server listens.
     *
     * @param readTimeout    a connection that sends nothing for this long is closed (slow clients)
     * @param maxHeaderBytes larger request headers get 431
     * @param minBytesPerSecond a request body arriving slower than this on average is cut off (0: no floor)
     * @param servlets       further servlets by path (the token endpoint), next to the registry at /
     * @param sendfile       blob bodies by sendfile(2) on plain HTTP/1.1 ({@link ZeroCopySend})
     * @param headerTimeout  a request whose header block takes longer than this to arrive is cut off
     *                       ({@link HeaderDeadline}; zero: no deadline)
     */
    public record Listener(String host, int port, Optional<org.eclipse.jetty.server.RequestLog> requestLog,
                           Duration shutdownIdle, Optional<SslContextFactory.Server> tls, Duration readTimeout,
                           int maxHeaderBytes, long minBytesPerSecond,
                           java.util.Map<String, jakarta.servlet.http.HttpServlet> servlets, boolean sendfile,
                           Duration headerTimeout) {
        public static final int DEFAULT_HEADER_BYTES = 16 * 1024;
        public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(20);

        /** {@code host:port} (0: any free port), plain HTTP, no request log, 5 min read timeout, quick close. */
        public static Listener on(String host, int port) {
            return new Listener(host, port, Optional.empty(), Duration.ofSeconds(1), Optional.empty(),
                    Duration.ofMinutes(5), DEFAULT_HEADER_BYTES, 0, java.util.Map.of(), false, DEFAULT_HEADER_TIMEOUT);
        }

        public Listener withRequestLog(Optional<org.eclipse.jetty.server.RequestLog> log) {
            return new Listener(host, port, log, shutdownIdle, tls, readTimeout, maxHeaderBytes, minBytesPerSecond,
                    servlets, sendfile, headerTimeout);
        }

        public Listener withShutdownIdle(Duration idle) {
            return new Listener(host, port, requestLog, idle, tls, readTimeout, maxHeaderBytes, minBytesPerSecond,
                    servlets, sendfile, headerTimeout);
        }

        public Listener withTls(Optional<SslContextFactory.Server> context) {
            return new Listener(host, port, requestLog, shutdownIdle, context, readTimeout, maxHeaderBytes,
                    minBytesPerSecond, servlets, sendfile, headerTimeout);
        }
    }

    /** Starts serving {@code registry} as {@code listener} says. */
    public static BerthServer start(Registry registry, Listener listener) throws IOException {
        String host = listener.host();
        int port = listener.port();
        Duration shutdownIdle = listener.shutdownIdle();
        Optional<SslContextFactory.Server> tls = listener.tls();
        Objects.requireNonNull(registry, "registry");
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("berth");
        // pool buffers up to 1 MiB (Jetty's default stops at 64 KiB), and keep little: what a pool
        // keeps stays resident, and 64 busy connections need only 4 MiB of input buffers
        ArrayByteBufferPool buffers = new ArrayByteBufferPool(0, 4096, 1024 * 1024, 64,
                4L * 1024 * 1024, 16L * 1024 * 1024);
        Server server = new Server(threads, null, buffers);
        server.setErrorHandler(new JsonErrorHandler());
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        http.setRequestHeaderSize(listener.maxHeaderBytes());
        // let odd paths reach the registry, which refuses them with NAME_INVALID instead of
        // Jetty resolving or rejecting them with a non-JSON 400
        http.setUriCompliance(UriCompliance.UNSAFE);
        HttpConnectionFactory http1 = new HttpConnectionFactory(http);
        // blob bodies arrive in larger reads than Jetty's 16 KiB (fewer syscalls and hash updates per
        // byte); every busy connection holds one, touched whole, so 256 KiB cost 16 MiB at 64 clients
        http1.setInputBufferSize(Integer.getInteger("berth.inputBuffer", 64 * 1024));
        ServerConnector connector;
        if (tls.isPresent()) {
            http.addCustomizer(new SecureRequestCustomizer(false));
            connector = new ServerConnector(server, Http2OverTls.available()
                    ? Http2OverTls.factories(tls.get(), http, http1)
                    : new org.eclipse.jetty.server.ConnectionFactory[] {
                        new SslConnectionFactory(tls.get(), http1.getProtocol()), http1});
        } else {
            connector = new ServerConnector(server, http1);
        }
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(listener.readTimeout().toMillis());
        // while stopping, a connection with no traffic for this long is closed, whether idle
        // between requests or an upload paused between two writes
        connector.setShutdownIdleTimeout(shutdownIdle.toMillis());
        Optional<HeaderDeadline> headerDeadline = listener.headerTimeout().isZero() ? Optional.empty()
                : Optional.of(new HeaderDeadline(listener.headerTimeout()));
        headerDeadline.ifPresent(connector::addEventListener);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        context.addServlet(new ServletHolder("registry", registry), "/*");
        listener.servlets().forEach((path, servlet) -> context.addServlet(new ServletHolder(servlet), path));
        context.addFilter(DropConnectionFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
        if (listener.minBytesPerSecond() > 0) {
            context.addFilter(new org.eclipse.jetty.ee10.servlet.FilterHolder(
                    new SlowBodyFilter(listener.minBytesPerSecond())), "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        context.setAttribute(FileSender.ATTRIBUTE, new JettyFileSender(listener.sendfile()));
        BusyConnections busy = new BusyConnections(context);
        GracefulHandler graceful = new GracefulHandler(busy);
        graceful.setShutdownIdleTimeout(shutdownIdle.toMillis());
        server.setHandler(graceful);
        listener.requestLog().ifPresent(server::setRequestLog);
        server.setStopTimeout(STOP_TIMEOUT.toMillis());
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                e.addSuppressed(ignored);
            }
            throw new IOException("could not start the server on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "berth-housekeeping");
            t.setDaemon(true);
            return t;
        });
        long everySeconds = Math.max(1, Math.min(3600, registry.uploadExpiry().toSeconds() / 4));
        housekeeping.scheduleWithFixedDelay(() -> expireUploads(registry), everySeconds, everySeconds, TimeUnit.SECONDS);
        headerDeadline.ifPresent(deadline -> housekeeping.scheduleWithFixedDelay(deadline::sweep, 1, 1, TimeUnit.SECONDS));
        return new BerthServer(server, connector, registry, housekeeping, busy);
    }

    private static void expireUploads(Registry registry) {
        try {
            int expired = registry.expireUploads(Instant.now());
            if (expired > 0) {
                LOG.log(Level.INFO, "expired " + expired + " abandoned upload session(s)");
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "upload expiry failed", e);
        }
    }

    /** Jetty's access log in the extended NCSA format, to stderr. */
    public static org.eclipse.jetty.server.RequestLog ncsaLog() {
        return new CustomRequestLog(new RequestLogWriter(), CustomRequestLog.EXTENDED_NCSA_FORMAT + " %{ms}Tms");
    }

    /** The server's thread pool (metrics). */
    public org.eclipse.jetty.util.thread.ThreadPool threadPool() {
        return server.getThreadPool();
    }

    /** The port actually bound. */
    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://host:port/} ({@code https} with TLS), with 127.0.0.1 standing for a wildcard bind. */
    public URI uri() {
        String host = connector.getHost();
        if (host == null || host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        }
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        String scheme = connector.getDefaultConnectionFactory() instanceof SslConnectionFactory ? "https" : "http";
        return URI.create(scheme + "://" + host + ":" + port() + "/");
    }

    public Registry registry() {
        return registry;
    }

    /** Blocks until the server has stopped. */
    public void join() throws InterruptedException {
        server.join();
    }

    /**
     * Stops at once for clients that are not waiting for anything: closes every connection with
     * no request in progress, then stops as {@link #close()} does (requests in flight finish).
     */
    public void closeNow() throws IOException {
        try {
            connector.shutdown(); // accept no more; the connections already open are ours to close
        } catch (RuntimeException e) {
            // stopping anyway
        }
        busy.closeIdle(connector.getConnectedEndPoints());
        close();
    }

    @Override
    public void close() throws IOException {
        housekeeping.shutdownNow();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IOException("stopping the server failed", e);
        } finally {
            registry.storage().close();
        }
    }
}
