// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.cli;

import dev.berth.registry.core.Collector;
import dev.berth.registry.server.auth.AuthSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar berth.jar}: the command line, parsed into {@link Settings}; serves the registry
 * until SIGTERM, then stops gracefully.
 */
@Command(name = "berth", mixinStandardHelpOptions = true, version = "Berth 0.1.0",
        subcommands = {AdminCommands.Gc.class, AdminCommands.Check.class, AdminCommands.Export.class,
                AdminCommands.Import.class, PolicyCommands.QuotaUse.class},
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
            description = "Directory of backend jars to load (each registered with @AutoService(StorageProvider.class)"
                    + " or @AutoService(BlobHandlerProvider.class)).")
    Path plugins;

    @Option(names = "--blobs", paramLabel = "NAME", description = "Serve and store blobs through this blob handler"
            + " plugin; manifests, tags and upload sessions stay in --storage.")
    String blobs;

    @Option(names = "--blobs-opt", paramLabel = "KEY=VALUE", split = ",",
            description = "A setting for the --blobs plugin; repeatable.")
    Map<String, String> blobOptions = new LinkedHashMap<>();

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

    @Option(scope = picocli.CommandLine.ScopeType.INHERIT, names = "--policy", paramLabel = "FILE", description = "YAML repository policies (immutable tags, quotas); "
            + "re-read when it changes, keeping the rules loaded before if the new file is broken.")
    Path policy;

    @Option(names = "--mirror", paramLabel = "[NAME=]URL", split = ",", description = "Mirror this registry (a pull-through"
            + " cache) under NAME/, by default its host (docker.io for Docker Hub); the first is the default for plain names.")
    List<String> mirror = new ArrayList<>();

    @Option(names = "--mirrors", paramLabel = "FILE", description = "YAML list of upstreams to mirror, with credentials and limits.")
    Path mirrors;

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
            + "Off by default: measured slower than buffered sends on loopback and on the benchmark VM (benchmarks/README.md).")
    boolean sendfile;

    @Option(names = "--read-only", description = "Start in read-only mode (pulls only); switch with POST /admin/read-only or SIGUSR1.")
    boolean readOnly;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final UnaryOperator<Collector.Builder> collectorSetup;

    private Main(UnaryOperator<Collector.Builder> collectorSetup) {
        this.collectorSetup = collectorSetup;
    }

    public static void main(String[] args) {
        int code = run(args, UnaryOperator.identity());
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the command line {@code args} as {@code berth} does and returns its exit code;
     * {@code collectorSetup} may add to the online collector (checkpoints, report listeners).
     */
    public static int run(String[] args, UnaryOperator<Collector.Builder> collectorSetup) {
        if (args.length > 0 && args[0].equals("serve")) { // `berth serve …` is `berth …`
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        CommandLine cli = new CommandLine(new Main(collectorSetup));
        cli.setParameterExceptionHandler((e, rest) -> {
            e.getCommandLine().getErr().println("berth: " + e.getMessage()
                    + " (given on the command line, in BERTH_* or in the --config file); see --help");
            return 2;
        });
        try {
            cli.setDefaultValueProvider(ConfigFile.load(args, System.getenv(), cli.getCommandSpec()));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("berth: " + e.getMessage());
            return 2;
        }
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("berth: " + e.getMessage());
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (printConfig) {
            System.out.print(ConfigFile.print(spec));
            return 0;
        }
        new Serve(settings(), collectorSetup).run();
        return 0;
    }

    /** The backend these options name (the admin commands open it without a server). */
    StorageSettings storageSettings() {
        return new StorageSettings(storage, dataDir, storageOptions, Optional.ofNullable(plugins),
                Optional.ofNullable(blobs), blobOptions);
    }

    Settings settings() {
        return new Settings(
                new Settings.Listen(Optional.ofNullable(host), port, Settings.duration("--read-timeout", readTimeout),
                        Settings.duration("--header-timeout", headerTimeout), maxHeaderBytes, minUploadRate, sendfile),
                storageSettings(),
                new Settings.Limits(maxManifestBytes, maxUploadsPerClient, Settings.duration("--upload-idle", uploadIdle),
                        Settings.duration("--upload-expiry", uploadExpiry)),
                new Settings.Collection(gcInterval.equals("off") ? Optional.empty()
                        : Optional.of(Settings.duration("--gc-interval", gcInterval)),
                        Settings.duration("--gc-grace", gcGrace), Optional.ofNullable(gcWindow), gcUntagged),
                new AuthSettings(auth, Optional.ofNullable(htpasswd), Optional.ofNullable(authPolicy), tokenService,
                        tokenIssuer, Optional.ofNullable(tokenRealm), Optional.ofNullable(tokenKey), tokenTrust,
                        Settings.duration("--token-lifetime", tokenLifetime)),
                new TlsSettings(Optional.ofNullable(tlsCert), Optional.ofNullable(tlsKey),
                        Optional.ofNullable(tlsSelfSigned), dataDir.resolve("tls")),
                Optional.ofNullable(adminAddress).map(a -> Settings.Admin.parse(a, Optional.ofNullable(adminTokenFile))),
                new Settings.Events(webhooks, webhookQueue, Settings.duration("--webhook-max-backoff", webhookMaxBackoff)),
                noRequestLog ? "off" : accessLog, readOnly, !noReferrers, Optional.ofNullable(policy),
                new Settings.Mirroring(mirror, Optional.ofNullable(mirrors)));
    }
}
