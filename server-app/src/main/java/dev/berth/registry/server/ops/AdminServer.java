// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Quota;
import dev.berth.registry.core.Registry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The operator's endpoints, on their own listener (loopback by default) so they are never
 * exposed with the registry's port:
 * <pre>
 * POST /admin/gc[?dry-run=true]   run a collection pass now; answers its report as JSON
 * GET  /admin/gc                  the report of the last pass run from here or by the schedule
 * GET  /admin/quotas              each quota's use, measured from the storage now
 * </pre>
 * With a token ({@code --admin-token-file}), everything but {@code /health/*} (for probes) needs
 * {@code Authorization: Bearer TOKEN}.
 */
public final class AdminServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Server server;
    private final ServerConnector connector;

    private AdminServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** Shortest token accepted: guessing one must stay out of reach. */
    static final int MIN_TOKEN_LENGTH = 16;

    /** Reads the bearer token an operator keeps in {@code file} (surrounding whitespace ignored). */
    public static String readToken(Path file) throws IOException {
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (token.length() < MIN_TOKEN_LENGTH || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException("--admin-token-file " + file + " must hold one token of at least "
                    + MIN_TOKEN_LENGTH + " printable characters without spaces");
        }
        return token;
    }

    public static AdminServer start(String host, int port, Optional<Collector> collector, Registry registry,
                             Observability observability, Optional<String> token) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("berth-admin");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new GcServlet(collector)), "/admin/gc");
        context.addServlet(new ServletHolder(new ReadOnlyServlet(registry)), "/admin/read-only");
        context.addServlet(new ServletHolder(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                GcServlet.send(response, 200, Map.of("quotas", toJson(registry.quotaUse())));
            }
        }), "/admin/quotas");
        context.addServlet(new ServletHolder(new HealthServlet(registry)), "/health/*");
        context.addServlet(new ServletHolder(new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain; version=0.0.4; charset=utf-8");
                response.getOutputStream().write(observability.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }), "/metrics");
        token.ifPresent(t -> context.addFilter(new FilterHolder(new BearerFilter(t)), "/*",
                EnumSet.of(DispatcherType.REQUEST)));
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            throw new IOException("could not start the admin listener on " + host + ":" + port + ": "
                    + e.getMessage(), e);
        }
        return new AdminServer(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** Quota use as the admin endpoint and the {@code quotas} command print it. */
    public static List<Map<String, Object>> toJson(List<Quota.Use> uses) {
        List<Map<String, Object>> json = new java.util.ArrayList<>();
        for (Quota.Use use : uses) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("quota", use.quota());
            use.repository().ifPresent(r -> entry.put("repository", r));
            entry.put("usedBytes", use.usedBytes());
            entry.put("maxBytes", use.maxBytes());
            json.add(entry);
        }
        return json;
    }

    public static Map<String, Object> toJson(Collector.Report report) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dryRun", report.dryRun());
        json.put("started", report.started().toString());
        json.put("millis", report.took().toMillis());
        json.put("repositories", report.repositories());
        json.put("manifestsSwept", report.manifestsSwept());
        json.put("blobsSwept", report.blobsSwept());
        json.put("bytesFreed", report.bytesFreed());
        json.put("claimsRescued", report.claimsLost());
        json.put("uploadsExpired", report.uploadsExpired());
        List<Map<String, Object>> swept = report.swept().stream().map(c -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("repository", c.repository().name());
            item.put("kind", c.kind().name().toLowerCase(java.util.Locale.ROOT));
            item.put("digest", c.digest().toString());
            item.put("size", c.size());
            return item;
        }).toList();
        json.put(report.dryRun() ? "wouldSweep" : "swept", swept);
        json.put(report.dryRun() ? "wouldRemoveTagsByRule" : "tagsRemovedByRule", report.tagsRemovedByRule());
        json.put(report.dryRun() ? "wouldRemoveTags" : "tagsRemoved", report.tagsRemoved().stream().map(r -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("repository", r.repository().name());
            item.put("tag", r.tag().value());
            item.put("digest", r.digest().toString());
            item.put("rule", r.rule());
            item.put("reason", r.reason());
            return item;
        }).toList());
        return json;
    }

    /** GET: the mode; POST ?enabled=true|false: switch it. */
    private static final class ReadOnlyServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Registry registry;

        ReadOnlyServlet(Registry registry) {
            this.registry = registry;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            GcServlet.send(response, 200, Map.of("readOnly", registry.isReadOnly()));
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String enabled = Optional.ofNullable(request.getParameter("enabled")).orElse("");
            if (!enabled.equals("true") && !enabled.equals("false")) {
                GcServlet.send(response, 400, Map.of("error", "enabled must be true or false"));
                return;
            }
            registry.readOnly(Boolean.parseBoolean(enabled));
            System.getLogger(AdminServer.class.getName()).log(System.Logger.Level.INFO,
                    "read-only mode " + (registry.isReadOnly() ? "on" : "off") + " (admin endpoint)");
            GcServlet.send(response, 200, Map.of("readOnly", registry.isReadOnly()));
        }
    }

    /** Admits requests with the operator's token; health probes need none. */
    private static final class BearerFilter extends HttpFilter {
        private static final long serialVersionUID = 1L;
        private final byte[] expected;

        BearerFilter(String token) {
            this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            String given = Optional.ofNullable(request.getHeader("Authorization")).orElse("");
            // the servlet path is what dispatch used (decoded, dot segments resolved), not the raw URI;
            // the comparison takes constant time: it must not tell how much of a guess was right
            if (request.getServletPath().equals("/health")
                    || MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
                chain.doFilter(request, response);
                return;
            }
            response.setHeader("WWW-Authenticate", "Bearer realm=\"berth-admin\"");
            GcServlet.send(response, 401, Map.of("error", given.isEmpty()
                    ? "the admin endpoints need Authorization: Bearer <token from --admin-token-file>"
                    : "wrong admin token"));
        }
    }

    /** /health/live: the process serves; /health/ready: and its storage answers. */
    private static final class HealthServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Registry registry;

        HealthServlet(Registry registry) {
            this.registry = registry;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String path = Optional.ofNullable(request.getPathInfo()).orElse("");
            if (path.equals("/live")) {
                GcServlet.send(response, 200, Map.of("status", "up"));
                return;
            }
            if (!path.equals("/ready")) {
                GcServlet.send(response, 404, Map.of("error", "try /health/live or /health/ready"));
                return;
            }
            try {
                registry.storage().manifests().repositories(Optional.empty(), 1);
                GcServlet.send(response, 200, Map.of("status", "ready", "readOnly", registry.isReadOnly()));
            } catch (IOException | RuntimeException e) {
                GcServlet.send(response, 503, Map.of("status", "storage unavailable", "reason", String.valueOf(e.getMessage())));
            }
        }
    }

    private static final class GcServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Optional<Collector> collector;

        GcServlet(Optional<Collector> collector) {
            this.collector = collector;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (collector.isEmpty()) {
                send(response, 409, Map.of("error", "this storage cannot be collected online"));
                return;
            }
            String dry = Optional.ofNullable(request.getParameter("dry-run")).orElse("false");
            if (!dry.equals("true") && !dry.equals("false")) {
                send(response, 400, Map.of("error", "dry-run must be true or false, not " + dry));
                return;
            }
            Collector.Report report;
            try {
                report = collector.get().collect(Boolean.parseBoolean(dry));
            } catch (IllegalStateException e) {
                send(response, 409, Map.of("error", e.getMessage()));
                return;
            }
            send(response, 200, toJson(report));
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Optional<Collector.Report> last = collector.flatMap(Collector::lastReport);
            if (last.isEmpty()) {
                send(response, 404, Map.of("error", "no collection pass has run yet"));
            } else {
                send(response, 200, toJson(last.get()));
            }
        }

        private static void send(HttpServletResponse response, int status, Object body) throws IOException {
            response.setStatus(status);
            response.setContentType("application/json");
            JSON.writeValue(response.getOutputStream(), body);
        }
    }
}
