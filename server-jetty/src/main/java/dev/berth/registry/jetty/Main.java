// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

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

/** {@code java -jar berth.jar}: serves the registry until SIGTERM, then stops gracefully. */
@Command(name = "berth", mixinStandardHelpOptions = true, version = "Berth 0.1.0",
        description = "An OCI distribution registry. Serves /v2/ until stopped (SIGTERM/Ctrl-C finish in-flight requests).")
public final class Main implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = {"-p", "--port"}, defaultValue = "5000", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--storage", defaultValue = "disk",
            description = "Storage backend by name: disk, memory, or a plugin's (default: ${DEFAULT-VALUE}).")
    String storage;

    @Option(names = {"-d", "--data-dir"}, defaultValue = "registry-data",
            description = "Data directory of the disk backend (default: ./${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = {"-s", "--storage-opt"}, paramLabel = "KEY=VALUE",
            description = "A setting for the storage backend; repeatable.")
    Map<String, String> storageOptions = new LinkedHashMap<>();

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Directory of backend jars to load (each registered with @AutoService(StorageProvider.class)).")
    Path plugins;

    @Option(names = "--upload-expiry", defaultValue = "24h",
            description = "Idle time after which an upload session is removed, e.g. 30m, 24h (default: ${DEFAULT-VALUE}).")
    String uploadExpiry;

    @Option(names = "--no-referrers", description = "Turn the referrers API off (clients fall back to tag schema).")
    boolean noReferrers;

    @Option(names = "--no-request-log", description = "Do not log a line per request.")
    boolean noRequestLog;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("berth: " + e.getMessage());
            return 1;
        });
        int code = cli.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        ClassLoader loader = plugins == null ? Main.class.getClassLoader() : pluginLoader(plugins);
        Map<String, String> settings = new LinkedHashMap<>(storageOptions);
        if (storage.equals("disk")) {
            settings.putIfAbsent("root", dataDir.toString());
        }
        StorageProvider provider = StorageProvider.named(storage, loader);
        Storage opened = provider.open(StorageConfig.of(settings));
        Registry registry = Registry.builder()
                .storage(opened)
                .referrers(!noReferrers)
                .uploadExpiry(StorageConfig.of(Map.of("upload-expiry", uploadExpiry))
                        .duration("upload-expiry", Duration.ofHours(24)))
                .build();
        BerthServer server = BerthServer.start(registry, host, port, !noRequestLog, Duration.ofSeconds(5));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Berth stopping: finishing in-flight requests");
            System.out.flush();
            try {
                server.close();
            } catch (IOException e) {
                System.err.println("berth: " + e.getMessage());
            }
        }, "berth-shutdown"));
        PrintWriter out = new PrintWriter(System.out, true);
        String where = storage.equals("disk") ? " at " + Path.of(settings.get("root")).toAbsolutePath().normalize() : "";
        out.println("Berth listening on http://" + displayHost() + ":" + server.port() + "/ (storage: " + storage + where + ")");
        server.join();
        return 0;
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
