// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import dev.berth.registry.jetty.BerthServer;
import dev.berth.registry.core.Registry;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.berth.registry.core.AccessControl;
import dev.berth.registry.core.Collector;
import dev.berth.registry.spi.CollectionHandler;
import java.nio.file.FileSystems;
import java.nio.file.PathMatcher;
import java.time.ZoneId;
import java.util.Optional;

/** {@code java -jar berth.jar}: serves the registry until SIGTERM, then stops gracefully. */
@Command(name = "berth", mixinStandardHelpOptions = true, version = "Berth 0.1.0",
        subcommands = {AdminCommands.Gc.class, AdminCommands.Check.class, AdminCommands.Export.class,
                AdminCommands.Import.class},
        description = "An OCI distribution registry. Serves /v2/ until stopped (SIGTERM/Ctrl-C finish in-flight requests).")
public final class Main implements Callable<Integer> {
    @Option(names = "--host", description = "Address to bind (default: 127.0.0.1 without authentication, so that "
            + "nobody else can push or delete; 0.0.0.0 with it).")
    String host;

    @Option(names = {"-p", "--port"}, defaultValue = "5000", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(scope = picocli.CommandLine.ScopeType.INHERIT, names = "--storage", defaultValue = "disk",
            description = "Storage backend by name: disk, memory, or a plugin's (default: ${DEFAULT-VALUE}).")
    String storage;

    @Option(scope = picocli.CommandLine.ScopeType.INHERIT, names = {"-d", "--data-dir"}, defaultValue = "registry-data",
            description = "Data directory of the disk backend (default: ./${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML settings: keys are these long options without --; command line and BERTH_* environment "
                    + "variables take precedence.")
    Path config;

    @Option(names = "--print-config", description = "Print the effective settings (secrets masked) and exit.")
    boolean printConfig;

    @Option(scope = picocli.CommandLine.ScopeType.INHERIT, names = {"-s", "--storage-opt"}, paramLabel = "KEY=VALUE", split = ",",
            description = "A setting for the storage backend; repeatable.")
    Map<String, String> storageOptions = new LinkedHashMap<>();

    @Option(scope = picocli.CommandLine.ScopeType.INHERIT, names = "--plugins", paramLabel = "DIR",
            description = "Directory of backend jars to load (each registered with @AutoService(StorageProvider.class)).")
    Path plugins;

    @Option(names = "--upload-expiry", defaultValue = "24h",
            description = "Idle time after which an upload session is removed, e.g. 30m, 24h (default: ${DEFAULT-VALUE}).")
    String uploadExpiry;

    @Option(names = "--no-referrers", description = "Turn the referrers API off (clients fall back to tag schema).")
    boolean noReferrers;

    @Option(names = "--gc-interval", defaultValue = "1h",
            description = "How often online garbage collection runs; off disables it (default: ${DEFAULT-VALUE}).")
    String gcInterval;

    @Option(names = "--gc-grace", defaultValue = "24h",
            description = "Age before unreferenced content may be collected (default: ${DEFAULT-VALUE}).")
    String gcGrace;

    @Option(names = "--gc-window", paramLabel = "HH:MM-HH:MM",
            description = "Start scheduled collections only within this daily window, server's time zone.")
    String gcWindow;

    @Option(names = "--gc-untagged", paramLabel = "GLOB", split = ",",
            description = "Also collect untagged manifests in repositories matching GLOB (repeatable, e.g. 'ci/**')."
                    + " Off by default: users who pull by digest pin untagged manifests.")
    List<String> gcUntagged = new ArrayList<>();

    @Option(names = "--admin-address", paramLabel = "HOST:PORT",
            description = "Serve the admin endpoints (POST /admin/gc) on this address; off by default. Keep it private.")
    String adminAddress;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "Require Authorization: Bearer TOKEN on the admin endpoints (all but /health/*), "
                    + "TOKEN being this file's content (at least 16 characters).")
    Path adminTokenFile;

    @Option(names = "--auth", defaultValue = "auto", paramLabel = "none|basic|token",
            description = "How clients authenticate: none, basic (htpasswd) or token (Docker token flow); "
                    + "auto: basic when --htpasswd is given, else none (default: ${DEFAULT-VALUE}).")
    String auth;

    @Option(names = "--htpasswd", paramLabel = "FILE", description = "Users and bcrypt hashes (htpasswd -B); re-read when it changes.")
    Path htpasswd;

    @Option(names = "--auth-policy", paramLabel = "FILE",
            description = "YAML rules granting pull/push/delete per user, group and repository glob. "
                    + "Without it, every user who logs in may do everything and anonymous callers nothing.")
    Path authPolicy;

    @Option(names = "--token-service", defaultValue = "berth", description = "The token audience, service= in challenges (default: ${DEFAULT-VALUE}).")
    String tokenService;

    @Option(names = "--token-issuer", defaultValue = "berth", description = "The iss of tokens (default: ${DEFAULT-VALUE}).")
    String tokenIssuer;

    @Option(names = "--token-realm", paramLabel = "URL",
            description = "Where clients get tokens; default: this server's /token.")
    String tokenRealm;

    @Option(names = "--token-key", paramLabel = "PEM", description = "Private key the built-in /token endpoint signs with "
            + "(EC P-256 or RSA); default: one generated at start.")
    Path tokenKey;

    @Option(names = "--token-trust", paramLabel = "PEM", split = ",", description = "Public key or certificate of an external token "
            + "server whose tokens are accepted (repeatable). Given alone, the built-in endpoint is off.")
    List<Path> tokenTrust = new ArrayList<>();

    @Option(names = "--token-lifetime", defaultValue = "5m", description = "Lifetime of issued tokens (default: ${DEFAULT-VALUE}).")
    String tokenLifetime;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain (leaf first) to serve HTTPS and HTTP/2 with.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--tls-self-signed", paramLabel = "HOST",
            description = "Serve HTTPS with a certificate generated for HOST at start, written to DATA_DIR/tls/HOST.crt.")
    String tlsSelfSigned;

    @Option(names = "--read-timeout", defaultValue = "60s",
            description = "Close a connection that sends nothing for this long (default: ${DEFAULT-VALUE}).")
    String readTimeout;

    @Option(names = "--min-upload-rate", defaultValue = "1024",
            description = "Cut off a request body arriving slower than this many bytes/s on average (default: ${DEFAULT-VALUE}; 0: no floor).")
    long minUploadRate;

    @Option(names = "--max-header-bytes", defaultValue = "16384", description = "Largest request header block (default: ${DEFAULT-VALUE}).")
    int maxHeaderBytes;

    @Option(names = "--header-timeout", defaultValue = "20s", paramLabel = "DURATION",
            description = "Longest a request's header block may take to arrive; slower clients are cut off "
                    + "(0s for none; default: ${DEFAULT-VALUE}).")
    String headerTimeout;

    @Option(names = "--max-manifest-bytes", defaultValue = "4194304", description = "Largest manifest (default: ${DEFAULT-VALUE}).")
    int maxManifestBytes;

    @Option(names = "--max-uploads-per-client", defaultValue = "100",
            description = "Upload sessions in use one user or address may hold (default: ${DEFAULT-VALUE}).")
    int maxUploadsPerClient;

    @Option(names = "--upload-idle", defaultValue = "5m", paramLabel = "DURATION",
            description = "A session without a request for this long stops counting against --max-uploads-per-client "
                    + "(default: ${DEFAULT-VALUE}).")
    String uploadIdle;

    @Option(names = "--no-request-log", description = "Do not log a line per request (same as --access-log off).")
    boolean noRequestLog;

    @Option(names = "--access-log", defaultValue = "text", paramLabel = "text|json|ncsa|off",
            description = "One line per request to stderr: key=value text, JSON, Jetty's NCSA format, or none "
                    + "(default: ${DEFAULT-VALUE}). Request metrics are kept either way.")
    String accessLog;

    @Option(names = "--webhook", paramLabel = "URL", split = ",",
            description = "POST a CloudEvent for every manifest push, pull and delete to URL (repeatable).")
    List<java.net.URI> webhooks = new ArrayList<>();

    @Option(names = "--webhook-queue", defaultValue = "10000",
            description = "Events kept per webhook while it is unreachable; the oldest go first (default: ${DEFAULT-VALUE}).")
    int webhookQueue;

    @Option(names = "--webhook-max-backoff", defaultValue = "30s",
            description = "Longest wait between delivery attempts (default: ${DEFAULT-VALUE}).")
    String webhookMaxBackoff;

    @Option(names = "--sendfile", description = "Send blob bodies with sendfile(2) on plain HTTP/1.1 (zero-copy). "
            + "Off by default: measured slower than buffered sends on loopback and on the benchmark VM (README, Performance).")
    boolean sendfile;

    @Option(names = "--read-only", description = "Start in read-only mode (pulls only); switch with POST /admin/read-only or SIGUSR1.")
    boolean readOnly;

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("serve")) { // `berth serve …` is `berth …`
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((e, rest) -> {
            e.getCommandLine().getErr().println("berth: " + e.getMessage()
                    + " (given on the command line, in BERTH_* or in the --config file); see --help");
            return 2;
        });
        try {
            cli.setDefaultValueProvider(ConfigFile.load(args, System.getenv(), cli.getCommandSpec()));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("berth: " + e.getMessage());
            System.exit(2);
        }
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("berth: " + e.getMessage());
            return 1;
        });
        int code = cli.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The configured backend, opened (the admin commands use it without a server). */
    Storage openStorage() throws IOException {
        ClassLoader loader = plugins == null ? Main.class.getClassLoader() : pluginLoader(plugins);
        Map<String, String> settings = new LinkedHashMap<>(storageOptions);
        if (storage.equals("disk")) {
            settings.putIfAbsent("root", dataDir.toString());
        }
        return StorageProvider.named(storage, loader).open(StorageConfig.of(settings));
    }

    @Override
    public Integer call() throws Exception {
        if (printConfig) {
            System.out.print(ConfigFile.print(spec));
            return 0;
        }
        Storage opened = openStorage();
        Map<String, jakarta.servlet.http.HttpServlet> servlets = new LinkedHashMap<>();
        Optional<AccessControl> access = Security.access(this, servlets);
        boolean hostGiven = host != null;
        if (!hostGiven) {
            host = access.isPresent() ? "0.0.0.0" : "127.0.0.1";
        }
        Observability observability = new Observability();
        Registry.Builder builder = Registry.builder()
                .storage(observability.meter(opened, storage))
                .readOnly(readOnly)
                .referrers(!noReferrers)
                .maxManifestBytes(maxManifestBytes)
                .maxUploadSessionsPerClient(maxUploadsPerClient)
                .uploadSessionIdle(duration("--upload-idle", uploadIdle))
                .uploadExpiry(StorageConfig.of(Map.of("upload-expiry", uploadExpiry))
                        .duration("upload-expiry", Duration.ofHours(24)));
        access.ifPresent(builder::access);
        Optional<Webhooks> hooks = webhooks.isEmpty() ? Optional.empty() : Optional.of(new Webhooks(webhooks,
                webhookQueue, duration("--webhook-max-backoff", webhookMaxBackoff),
                "berth://" + hostName() + ":" + port, observability.registry()));
        hooks.ifPresent(builder::events);
        Registry registry = builder.build();
        PrintWriter out = new PrintWriter(System.out, true);
        Optional<Collector> collector = collector(registry, out, observability);
        Optional<org.eclipse.jetty.util.ssl.SslContextFactory.Server> tls = Security.tls(this, out);
        String logFormat = noRequestLog ? "off" : accessLog;
        if (!List.of("text", "json", "ncsa", "off").contains(logFormat)) {
            throw new IllegalArgumentException("--access-log must be text, json, ncsa or off, not " + accessLog);
        }
        org.eclipse.jetty.server.RequestLog requestLog = logFormat.equals("ncsa") ? BerthServer.ncsaLog()
                : observability.accessLog(logFormat);
        BerthServer server = BerthServer.start(registry, new BerthServer.Listener(host, port, Optional.of(requestLog),
                Duration.ofSeconds(5), tls, duration("--read-timeout", readTimeout), maxHeaderBytes, minUploadRate,
                servlets, sendfile, duration("--header-timeout", headerTimeout)));
        observability.bind(registry, server.threadPool());
        ReadOnlySignal.install(registry, out);
        List<AutoCloseable> services = new ArrayList<>();
        hooks.ifPresent(services::add);
        if (collector.isPresent() && !gcInterval.equals("off")) {
            services.add(collector.get().schedule(duration("--gc-interval", gcInterval), gcWindow == null
                    ? Optional.empty() : Optional.of(Collector.Window.parse(gcWindow, ZoneId.systemDefault()))));
        }
        Optional<AdminServer> admin = Optional.empty();
        if (adminAddress != null) {
            int colon = adminAddress.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("--admin-address must be HOST:PORT, not " + adminAddress);
            }
            String adminHost = adminAddress.substring(0, colon);
            Optional<String> adminToken = adminTokenFile == null ? Optional.empty()
                    : Optional.of(AdminServer.readToken(adminTokenFile));
            if (adminToken.isEmpty() && !isLoopback(adminHost)) {
                out.println("Berth warning: the admin endpoints on " + adminAddress + " take requests from anyone"
                        + " who can reach them; give --admin-token-file or bind them to 127.0.0.1");
            }
            admin = Optional.of(AdminServer.start(adminHost, Integer.parseInt(adminAddress.substring(colon + 1)),
                    collector, registry, observability, adminToken));
            services.add(admin.get());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
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
        }, "berth-shutdown"));
        String where = storage.equals("disk") ? " at " + Path.of(storageOptions.getOrDefault("root",
                dataDir.toString())).toAbsolutePath().normalize() : "";
        if (access.isEmpty() && !isLoopback(host)) {
            out.println("Berth warning: listening on " + host + " without authentication: anyone who can reach this"
                    + " machine may push and delete; give --htpasswd (or --auth token) or bind --host 127.0.0.1");
        }
        String reach = access.isEmpty() && !hostGiven
                ? "; this machine only, as no authentication is set: --host 0.0.0.0 to listen beyond it" : "";
        out.println("Berth listening on " + (tls.isPresent() ? "https" : "http") + "://" + displayHost() + ":"
                + server.port() + "/ (storage: " + storage + where + reach + ")");
        admin.ifPresent(a -> out.println("Berth admin on http://" + adminAddress.substring(0, adminAddress.lastIndexOf(':'))
                + ":" + a.port() + "/admin/"));
        server.join();
        return 0;
    }

    private Optional<Collector> collector(Registry registry, PrintWriter out, Observability observability) {
        if (registry.storage().collection().isEmpty()) {
            out.println("Berth: storage " + storage + " cannot be collected online; garbage collection is off");
            return Optional.empty();
        }
        List<PathMatcher> untagged = gcUntagged.stream()
                .map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob)).toList();
        Collector.Builder builder = Collector.builder(registry).onReport(observability.gcReports())
                .grace(duration("--gc-grace", gcGrace))
                .untagged(repo -> untagged.stream().anyMatch(m -> m.matches(Path.of(repo.name()))));
        String pauseAt = System.getProperty("berth.gc.pauseAt");
        if (pauseAt != null) { // crash tests: stop a pass at a phase, to be killed there
            Collector.Phase phase = Collector.Phase.valueOf(pauseAt);
            builder.checkpoint((p, repo, kind) -> {
                if (p == phase && kind == CollectionHandler.Kind.BLOB) {
                    out.println("Berth gc paused at " + p + " in " + repo);
                    new java.util.concurrent.CountDownLatch(1).await();
                }
            });
        }
        return Optional.of(builder.build());
    }

    static Duration duration(String option, String value) {
        try {
            return StorageConfig.of(Map.of(option, value)).duration(option, Duration.ZERO);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " must be a duration such as 500ms, 90s, 15m, 24h or 7d, not "
                    + value);
        }
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

    private String displayHost() {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static ClassLoader pluginLoader(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--plugins " + dir + " is not a directory");
        }
        List<URL> jars = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path jar : files) {
                try {
                    jars.add(jar.toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IOException(e);
                }
            }
        }
        return new URLClassLoader("berth-plugins", jars.toArray(URL[]::new), Main.class.getClassLoader());
    }
}
