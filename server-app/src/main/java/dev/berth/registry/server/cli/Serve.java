// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.cli;

import dev.berth.registry.core.AccessControl;
import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Globs;
import dev.berth.registry.core.Registry;
import dev.berth.registry.core.Retention;
import dev.berth.registry.jetty.BerthServer;
import dev.berth.registry.server.ops.AdminServer;
import dev.berth.registry.server.ops.GcSchedule;
import dev.berth.registry.server.ops.Observability;
import dev.berth.registry.server.ops.ReadOnlySignal;
import dev.berth.registry.server.ops.Webhooks;
import dev.berth.registry.server.policy.RepositoryPolicy;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.gc.CollectableStorage;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Runs the registry with its operations around it until the JVM is asked to stop. */
final class Serve {
    private final Settings settings;
    private final UnaryOperator<Collector.Builder> collectorSetup;
    private final PrintWriter out = new PrintWriter(System.out, true);
    private final List<AutoCloseable> services = new ArrayList<>();

    /** @param collectorSetup applied to the online collector's builder before it is built (an embedder's checkpoints) */
    Serve(Settings settings, UnaryOperator<Collector.Builder> collectorSetup) {
        this.settings = settings;
        this.collectorSetup = collectorSetup;
    }

    void run() throws Exception {
        ClassLoader providers = settings.storage().loader(); // one loader: the plugins' jars are read once
        Storage opened = settings.storage().open(providers);
        Optional<BlobHandler> blobs = settings.storage().openBlobs(providers);
        blobs.filter(AutoCloseable.class::isInstance).ifPresent(b -> services.add((AutoCloseable) b));
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        Optional<AccessControl> access = settings.auth().open(servlets);
        Settings.Listen listen = settings.listen();
        String host = listen.host().orElse(access.isPresent() ? "0.0.0.0" : "127.0.0.1");
        Observability observability = new Observability();
        Settings.Limits limits = settings.limits();
        Registry.Builder builder = Registry.builder()
                .storage(opened)
                .observeStorage(observability.storageTimers(settings.storage().name()))
                .readOnly(settings.readOnly())
                .referrers(settings.referrers())
                .maxManifestBytes(limits.maxManifestBytes())
                .maxUploadSessionsPerClient(limits.maxUploadsPerClient())
                .uploadSessionIdle(limits.uploadIdle())
                .uploadExpiry(limits.uploadExpiry());
        access.ifPresent(builder::access);
        List<dev.berth.registry.core.Upstream> upstreams = settings.mirroring().upstreams();
        upstreams.forEach(builder::mirror);
        blobs.ifPresent(builder::blobHandler);
        Optional<RepositoryPolicy> policy = Optional.empty();
        if (settings.policy().isPresent()) {
            boolean measurable = opened instanceof CollectableStorage && blobs.isEmpty();
            policy = Optional.of(RepositoryPolicy.open(settings.policy().get(), measurable));
            builder.immutableTags(policy.get());
            if (measurable) {
                builder.quotas(policy.get());
            }
        }
        Settings.Events events = settings.events();
        Optional<Webhooks> hooks = events.webhooks().isEmpty() ? Optional.empty() : Optional.of(new Webhooks(
                events.webhooks(), events.queue(), events.maxBackoff(), "berth://" + hostName() + ":" + listen.port(),
                observability.registry()));
        hooks.ifPresent(builder::events);
        Registry registry = builder.build();
        Optional<Collector> collector = collector(registry, observability, policy.map(RepositoryPolicy::retention));
        Optional<SslContextFactory.Server> tls = settings.tls().context(out);
        String logFormat = settings.accessLog();
        RequestLog requestLog = logFormat.equals("ncsa") ? BerthServer.ncsaLog() : observability.accessLog(logFormat);
        BerthServer server = BerthServer.start(registry, new BerthServer.Listener(host, listen.port(),
                Optional.of(requestLog), Duration.ofSeconds(5), tls, listen.readTimeout(), listen.maxHeaderBytes(),
                listen.minUploadRate(), servlets, listen.sendfile(), listen.headerTimeout()));
        observability.bind(registry, server.threadPool());
        if (policy.isPresent() && opened instanceof CollectableStorage && blobs.isEmpty()) {
            observability.bindQuotas(registry);
        }
        ReadOnlySignal.install(registry, out);
        hooks.ifPresent(services::add);
        if (collector.isPresent() && settings.gc().interval().isPresent()) {
            services.add(GcSchedule.start(collector.get(), registry, settings.gc().interval().get(),
                    settings.gc().window().map(w -> GcSchedule.Window.parse(w, ZoneId.systemDefault())),
                    Clock.systemDefaultZone()));
        }
        Optional<AdminServer> admin = admin(collector, registry, observability);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server), "berth-shutdown"));
        if (access.isEmpty() && !isLoopback(host)) {
            out.println("Berth warning: listening on " + host + " without authentication: anyone who can reach this"
                    + " machine may push and delete; give --htpasswd (or --auth token) or bind --host 127.0.0.1");
        }
        upstreams.forEach(u -> out.println("Berth mirrors " + u.url() + " under " + u.name() + "/"
                + (u.isDefault() ? " (and plain names this registry does not hold)" : "")));
        String reach = access.isEmpty() && listen.host().isEmpty()
                ? "; this machine only, as no authentication is set: --host 0.0.0.0 to listen beyond it" : "";
        out.println("Berth listening on " + (tls.isPresent() ? "https" : "http") + "://"
                + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port() + "/ (storage: "
                + settings.storage().name() + settings.storage().where() + reach + ")");
        admin.ifPresent(a -> out.println("Berth admin on http://" + settings.admin().get().host() + ":" + a.port()
                + "/admin/"));
        server.join();
    }

    private Optional<AdminServer> admin(Optional<Collector> collector, Registry registry, Observability observability)
            throws IOException {
        if (settings.admin().isEmpty()) {
            return Optional.empty();
        }
        Settings.Admin admin = settings.admin().get();
        Optional<String> token = admin.tokenFile().isEmpty() ? Optional.empty()
                : Optional.of(AdminServer.readToken(admin.tokenFile().get()));
        if (token.isEmpty() && !isLoopback(admin.host())) {
            out.println("Berth warning: the admin endpoints on " + admin.host() + ":" + admin.port()
                    + " take requests from anyone who can reach them; give --admin-token-file or bind them to 127.0.0.1");
        }
        AdminServer started = AdminServer.start(admin.host(), admin.port(), collector, registry, observability, token);
        services.add(started);
        return Optional.of(started);
    }

    private void stop(BerthServer server) {
        System.out.println("Berth stopping: finishing in-flight requests");
        System.out.flush();
        for (AutoCloseable service : services) {
            try {
                service.close();
            } catch (Exception e) {
                System.err.println("berth: " + e.getMessage());
            }
        }
        try {
            server.close();
        } catch (IOException e) {
            System.err.println("berth: " + e.getMessage());
        }
    }

    private Optional<Collector> collector(Registry registry, Observability observability, Optional<Retention> retention) {
        if (!(registry.storage() instanceof CollectableStorage)) {
            out.println("Berth: storage " + settings.storage().name()
                    + " cannot be collected online; garbage collection is off");
            return Optional.empty();
        }
        Collector.Builder builder = Collector.builder(registry).onReport(observability.gcReports())
                .grace(settings.gc().grace())
                .untagged(Globs.repositories(settings.gc().untagged()))
                .retention(retention.orElse(Retention.NONE));
        return Optional.of(collectorSetup.apply(builder).build());
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost"; // only names the event source
        }
    }

    /** Whether {@code host} names only this machine (an address literal or "localhost"; no lookup). */
    static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!bare.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name: do not resolve it just to print a warning
        }
        try {
            return java.net.InetAddress.getByName(bare).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
