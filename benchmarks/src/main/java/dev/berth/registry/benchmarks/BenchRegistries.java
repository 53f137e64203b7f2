// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.benchmarks;

import dev.berth.registry.api.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Registries as separate processes (Debian's docker-registry, berth.jar), and pushing and pulling images over HTTP. */
final class BenchRegistries {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    private BenchRegistries() {
    }

    /** One started server process and where it answers. */
    record Server(Process process, URI uri, Path log) implements AutoCloseable {
        long peakRssKib() throws IOException {
            return statusKib("VmHWM:");
        }

        long rssKib() throws IOException {
            return statusKib("VmRSS:");
        }

        /** CPU time the process has spent in user mode, in seconds (from /proc, 100 ticks a second). */
        double userCpuSeconds() throws IOException {
            return cpuTicks(process.pid(), 11) / 100.0;
        }

        /** CPU time the process has spent in the kernel on its own behalf, in seconds. */
        double systemCpuSeconds() throws IOException {
            return cpuTicks(process.pid(), 12) / 100.0;
        }

        private long statusKib(String field) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor();
        }
    }

    /** Field {@code index} (counted after the command name) of /proc/PID/stat: 11 is utime, 12 stime. */
    static long cpuTicks(long pid, int index) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[index]);
    }

    /** What a results file says of the machine it was measured on. */
    static Map<String, Object> machine() {
        return Map.of("cpus", Runtime.getRuntime().availableProcessors(), "java", System.getProperty("java.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Debian's docker-registry on {@code dir}, in proxy mode when {@code remote} is given. */
    static Server distribution(Path dir, String remote) throws IOException, InterruptedException {
        int port = freePort();
        Path config = Files.writeString(dir.resolve("config.yml"), "version: 0.1\nlog: {level: warn}\n"
                + "storage: {filesystem: {rootdirectory: " + dir.resolve("data") + "}, delete: {enabled: true}}\n"
                + "http: {addr: \"127.0.0.1:" + port + "\"}\n"
                + (remote == null ? "" : "proxy: {remoteurl: \"" + remote + "\"}\n"));
        Path log = dir.resolve("registry.log");
        Process p = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return awaitPort(p, port, log);
    }

    /** berth.jar with the JVM flags README gives, on its own data directory, with {@code args}. */
    static Server berth(Path jar, Path dir, String... args) throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(berthJvmFlags());
        command.addAll(List.of("-jar", jar.toString(), "--host", "127.0.0.1",
                "--port", String.valueOf(port), "-d", dir.resolve("data").toString()));
        command.addAll(List.of(args));
        Path log = dir.resolve("berth.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Server server = awaitPort(p, port, log);
        int admin = List.of(args).indexOf("--admin-address");
        if (admin >= 0) { // it opens after the registry's port, and a GC pass asked of it at once would be refused
            String address = args[admin + 1];
            awaitListening(p, Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)), log);
        }
        return server;
    }

    /**
     * The JVM flags of README.md's run command (the benchmarks run from the repository's root),
     * or {@code -Dberth.jvm="FLAGS"} to measure others.
     */
    static List<String> berthJvmFlags() throws IOException {
        String given = System.getProperty("berth.jvm");
        if (given != null) {
            return List.of(given.trim().split("\\s+"));
        }
        Path readme = Path.of("README.md");
        if (Files.isRegularFile(readme)) {
            for (String line : Files.readAllLines(readme)) {
                int java = line.indexOf("&& java ");
                int jar = line.indexOf(" -jar server-app/target/berth.jar");
                if (java >= 0 && jar > java) {
                    return List.of(line.substring(java + "&& java ".length(), jar).trim().split("\\s+"));
                }
            }
        }
        throw new IllegalStateException("no README.md with a `java … -jar server-app/target/berth.jar` command here:"
                + " run from the repository's root, or give -Dberth.jvm=\"FLAGS\"");
    }

    private static Server awaitPort(Process p, int port, Path log) throws IOException, InterruptedException {
        awaitListening(p, port, log);
        return new Server(p, URI.create("http://127.0.0.1:" + port), log);
    }

    private static void awaitListening(Process p, int port, Path log) throws IOException, InterruptedException {
        for (int i = 0; i < 600 && p.isAlive(); i++) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("server did not start:\n" + Files.readString(log));
    }

    /** An image of random layers of {@code sizes} bytes and its config, pushed to {@code repo:tag}; returns the layer and config digests. */
    static List<Digest> pushImage(URI registry, String repo, String tag, long seed, int... sizes) throws Exception {
        return pushImage(HTTP, registry, repo, tag, seed, sizes);
    }

    /** As {@link #pushImage(URI, String, String, long, int...)}, with {@code client}. */
    static List<Digest> pushImage(HttpClient client, URI registry, String repo, String tag, long seed, int... sizes)
            throws Exception {
        Random random = new Random(seed);
        List<Digest> blobs = new ArrayList<>();
        StringBuilder layers = new StringBuilder();
        for (int size : sizes) {
            byte[] layer = new byte[size];
            random.nextBytes(layer);
            Digest digest = pushBlob(client, registry, repo, layer);
            blobs.add(digest);
            layers.append(layers.length() == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                    + "\"digest\":\"").append(digest).append("\",\"size\":").append(size).append('}');
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":" + seed + "}").getBytes(StandardCharsets.UTF_8);
        Digest configDigest = pushBlob(client, registry, repo, config);
        blobs.add(configDigest);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length
                + "},\"layers\":[" + layers + "]}";
        HttpResponse<String> put = client.send(HttpRequest.newBuilder(registry.resolve("/v2/" + repo + "/manifests/" + tag))
                .header("Content-Type", MANIFEST).PUT(HttpRequest.BodyPublishers.ofString(manifest)).build(),
                HttpResponse.BodyHandlers.ofString());
        check(put, 201, "manifest PUT");
        return blobs;
    }

    private static Digest pushBlob(HttpClient client, URI registry, String repo, byte[] content) throws Exception {
        Digest digest = Digest.sha256(content);
        HttpResponse<String> started = client.send(HttpRequest.newBuilder(registry.resolve("/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        check(started, 202, "upload POST");
        String location = started.headers().firstValue("Location").orElseThrow();
        URI put = registry.resolve(location + (location.contains("?") ? "&" : "?") + "digest=" + digest);
        check(client.send(HttpRequest.newBuilder(put).PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
                HttpResponse.BodyHandlers.ofString()), 201, "upload PUT");
        return digest;
    }

    /** Pulls {@code path}'s manifest by tag, then its blobs on {@code pool} (docker downloads three at a time); returns the bytes read. */
    static long pull(URI registry, String path, String tag, List<Digest> blobs, ExecutorService pool) throws Exception {
        return pull(HTTP, registry, path, tag, blobs, pool);
    }

    /** As {@link #pull}, with {@code client} (the JDK client reads every response on one thread: give each puller its own). */
    static long pull(HttpClient client, URI registry, String path, String tag, List<Digest> blobs, ExecutorService pool)
            throws Exception {
        HttpResponse<byte[]> manifest = client.send(HttpRequest.newBuilder(registry.resolve("/v2/" + path + "/manifests/" + tag))
                .header("Accept", MANIFEST).build(), HttpResponse.BodyHandlers.ofByteArray());
        check(manifest, 200, "manifest GET " + path);
        long bytes = manifest.body().length;
        List<Future<Long>> gets = new ArrayList<>();
        for (Digest blob : blobs) {
            gets.add(pool.submit(() -> { // HttpURLConnection: the JDK's HttpClient is the slower reader of a body
                java.net.HttpURLConnection get = (java.net.HttpURLConnection) registry.resolve("/v2/" + path + "/blobs/"
                        + blob).toURL().openConnection();
                if (get.getResponseCode() != 200) {
                    throw new IllegalStateException("blob GET " + path + ": " + get.getResponseCode());
                }
                try (InputStream body = get.getInputStream()) {
                    return body.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }));
        }
        for (Future<Long> get : gets) {
            bytes += get.get();
        }
        return bytes;
    }

    private static void check(HttpResponse<?> r, int status, String what) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(what + ": " + r.statusCode() + " " + r.body());
        }
    }
}
