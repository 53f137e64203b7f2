// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.benchmarks;

import dev.berth.registry.api.Digest;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Berth (berth.jar as README starts it, disk backend) and CNCF distribution (Debian's
 * docker-registry), one after the other on the same workloads in one run: blob upload in one
 * request and in 64 chunks, download, manifest GET by tag and HEAD by digest at 16 and 64
 * connections (Apache Bench), manifest PUTs, small-artifact pushes (a 1 KiB layer, its config and
 * manifest) into new repositories, and each server's peak RSS and CPU. Prints JSON, then a table
 * of Berth / distribution ratios. Run after {@code mvn -q -DskipTests install}, with {@code curl}
 * and {@code ab} (Debian's apache2-utils):
 * <pre>
 * java -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar dev.berth.registry.benchmarks.SideBySide server-app/target/berth.jar [SECONDS]
 * </pre>
 */
public final class SideBySide {
    private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final int BIG = 512 << 20;
    private static final int CHUNKS = 64;

    private SideBySide() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "server-app/target/berth.jar");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path root = Files.createTempDirectory("berth-side-by-side");
        Path one = random(root.resolve("one.bin"), 1);
        Path chunked = random(root.resolve("chunked.bin"), 2);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("date", java.time.LocalDate.now().toString());
        run.put("machine", BenchRegistries.machine());
        run.put("seconds per load", seconds);
        Map<String, Map<String, Double>> figures = new LinkedHashMap<>();
        try (BenchRegistries.Server berth = BenchRegistries.berth(jar, Files.createDirectories(root.resolve("berth")));
             BenchRegistries.Server distribution = BenchRegistries.distribution(
                     Files.createDirectories(root.resolve("distribution")), null)) {
            Map<String, BenchRegistries.Server> servers = Map.of("berth", berth, "distribution", distribution);
            Digest big = digest(one);
            Digest chunkedDigest = digest(chunked);
            List<Phase> phases = List.of((r, f) -> warmUp(r, seconds), (r, f) -> uploadOne(r, f, one, big),
                    (r, f) -> uploadChunked(r, f, chunked, chunkedDigest), (r, f) -> download(r, f, big),
                    (r, f) -> manifestReads(r, f, seconds), (r, f) -> manifestWrites(r, f, seconds));
            figures.put("berth", new LinkedHashMap<>());
            figures.put("distribution", new LinkedHashMap<>());
            for (int i = 0; i < phases.size(); i++) { // taking turns, each going first half the time: drift hits both
                for (String name : i % 2 == 0 ? List.of("berth", "distribution") : List.of("distribution", "berth")) {
                    phases.get(i).run(servers.get(name).uri(), figures.get(name));
                }
            }
            for (String name : List.of("berth", "distribution")) { // the same order of figures for both
                Map<String, Double> ordered = new LinkedHashMap<>();
                figures.get("berth").keySet().forEach(k -> ordered.put(k, figures.get(name).get(k)));
                figures.put(name, ordered);
            }
            for (String name : List.of("berth", "distribution")) {
                BenchRegistries.Server server = servers.get(name);
                figures.get(name).put("peak_rss_MiB", (double) (server.peakRssKib() / 1024));
                figures.get(name).put("cpu_s", round(server.userCpuSeconds() + server.systemCpuSeconds()));
            }
        } finally {
            TempDirectories.delete(root);
        }
        Map<String, Double> ratio = new LinkedHashMap<>();
        figures.get("berth").forEach((k, v) -> ratio.put(k, round(v / figures.get("distribution").get(k))));
        run.put("berth", figures.get("berth"));
        run.put("distribution", figures.get("distribution"));
        run.put("ratio berth / distribution", ratio);
        System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(run));
        System.out.println("| figure | Berth | distribution | ratio |\n|---|---|---|---|");
        figures.get("berth").forEach((k, v) -> System.out.println(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2f× |",
                k, v, figures.get("distribution").get(k), ratio.get(k))));
    }

    /** One workload against one registry, adding its figures to {@code into}. */
    @FunctionalInterface
    private interface Phase {
        void run(URI registry, Map<String, Double> into) throws Exception;
    }

    private static void uploadOne(URI r, Map<String, Double> f, Path one, Digest big) throws Exception {
        String location = start(BenchRegistries.HTTP, r, "bench/big");
        String[] upload = curl("-X", "PUT", "-H", "Content-Type: application/octet-stream", "-T", one.toString(),
                "-w", "%{http_code} %{speed_upload}", r.resolve(location + sep(location) + "digest=" + big).toString());
        if (!upload[0].equals("201")) {
            throw new IllegalStateException("upload in one request: " + upload[0]);
        }
        f.put("upload 512 MiB in one request, MB/s", round(Double.parseDouble(upload[1]) / 1e6));
    }

    private static void uploadChunked(URI r, Map<String, Double> f, Path chunked, Digest digest) throws Exception {
        HttpClient http = BenchRegistries.HTTP;
        long t0 = System.nanoTime();
        String location = start(http, r, "bench/chunked");
        byte[] buffer = new byte[BIG / CHUNKS];
        try (InputStream in = Files.newInputStream(chunked)) {
            for (int c = 0; c < CHUNKS; c++) {
                in.readNBytes(buffer, 0, buffer.length);
                HttpResponse<String> patched = http.send(HttpRequest.newBuilder(r.resolve(location))
                        .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(buffer))
                        .header("Content-Type", "application/octet-stream").header("Content-Range",
                                (long) c * buffer.length + "-" + ((long) (c + 1) * buffer.length - 1)).build(),
                        HttpResponse.BodyHandlers.ofString());
                expect(patched, 202);
                location = patched.headers().firstValue("Location").orElseThrow();
            }
        }
        expect(http.send(HttpRequest.newBuilder(r.resolve(location + sep(location) + "digest=" + digest))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()), 201);
        f.put("upload 512 MiB in 64 chunks, MB/s", mbps(BIG, t0));
    }

    private static void download(URI r, Map<String, Double> f, Digest big) throws Exception {
        List<Double> downloads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String[] download = curl("-w", "%{http_code} %{speed_download}", r.resolve("/v2/bench/big/blobs/" + big)
                    .toString());
            if (!download[0].equals("200")) {
                throw new IllegalStateException("download: " + download[0]);
            }
            downloads.add(round(Double.parseDouble(download[1]) / 1e6));
        }
        f.put("download 512 MiB, MB/s (median of 5)", downloads.stream().sorted().toList().get(2));
    }

    private static void manifestReads(URI r, Map<String, Double> f, int seconds) throws Exception {
        BenchRegistries.pushImage(r, "bench/app", "v1", 7, 1024);
        String digest = BenchRegistries.HTTP.send(HttpRequest.newBuilder(r.resolve("/v2/bench/app/manifests/v1"))
                .header("Accept", MANIFEST).build(), HttpResponse.BodyHandlers.discarding()).headers()
                .firstValue("Docker-Content-Digest").orElseThrow();
        for (int c : new int[] {16, 64}) {
            Map<String, Double> get = LoadRuns.ab(r.resolve("/v2/bench/app/manifests/v1"), c, seconds, false, MANIFEST);
            f.put("manifest GET by tag, " + c + " connections, req/s", get.get("rps"));
            f.put("manifest GET by tag, " + c + " connections, p99 ms", get.get("p99_ms"));
            Map<String, Double> head = LoadRuns.ab(r.resolve("/v2/bench/app/manifests/" + digest), c, seconds, true, MANIFEST);
            f.put("manifest HEAD by digest, " + c + " connections, req/s", head.get("rps"));
            f.put("manifest HEAD by digest, " + c + " connections, p99 ms", head.get("p99_ms"));
        }
    }

    private static void manifestWrites(URI r, Map<String, Double> f, int seconds) throws Exception {
        byte[] manifest = BenchRegistries.HTTP.send(HttpRequest.newBuilder(r.resolve("/v2/bench/app/manifests/v1"))
                .header("Accept", MANIFEST).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        Map<String, Double> put = LoadRuns.repeat(16, seconds, (client, w, i) -> expect(client.send(HttpRequest.newBuilder(
                r.resolve("/v2/bench/app/manifests/t" + w + "-" + i)).header("Content-Type", MANIFEST)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(), HttpResponse.BodyHandlers.ofString()), 201));
        f.put("manifest PUT (distinct tags), 16 clients, req/s", put.get("rps"));
        f.put("manifest PUT (distinct tags), 16 clients, p99 ms", put.get("p99_ms"));
        for (int c : new int[] {16, 64}) {
            Map<String, Double> pushes = LoadRuns.repeat(c, seconds, (client, w, i) ->
                    BenchRegistries.pushImage(client, r, "small/c" + c + "-w" + w + "-" + i, "v1", w * 100_000L + i, 1024));
            f.put("small-artifact pushes into new repositories, " + c + " clients, pushes/s", pushes.get("rps"));
        }
    }

    /**
     * The JIT of both servers warmed (and the machine's page cache) before anything counts: a
     * small image pushed and pulled, and its manifest got for a while.
     */
    private static void warmUp(URI r, int seconds) throws Exception {
        BenchRegistries.pushImage(r, "warm/app", "v1", 3, 64 * 1024);
        LoadRuns.ab(r.resolve("/v2/warm/app/manifests/v1"), 16, seconds, false, MANIFEST);
        LoadRuns.repeat(16, seconds, (client, w, i) -> BenchRegistries.pushImage(client, r, "warm/p" + w + "-" + i, "v1",
                w * 100_000L + i, 1024));
    }

    /** Runs {@code curl -s -o /dev/null ARGS} (the fastest client of a large body here) and returns what -w wrote, split. */
    private static String[] curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("curl " + String.join(" ", args) + " failed: " + out);
        }
        return out.split(" ");
    }

    private static String start(HttpClient http, URI r, String repo) throws Exception {
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(r.resolve("/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        expect(started, 202);
        return started.headers().firstValue("Location").orElseThrow();
    }

    private static String sep(String location) {
        return location.contains("?") ? "&" : "?";
    }

    private static void expect(HttpResponse<?> r, int status) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(r.request().method() + " " + r.uri() + ": " + r.statusCode() + " " + r.body());
        }
    }

    private static Path random(Path file, long seed) throws Exception {
        Random random = new Random(seed);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < BIG / block.length; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        return file;
    }

    private static Digest digest(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] block = new byte[1 << 20];
            for (int n; (n = in.read(block)) > 0; ) {
                sha.update(block, 0, n);
            }
        }
        return Digest.of(Digest.Algorithm.SHA256, sha);
    }

    private static double mbps(long bytes, long t0) {
        return round(bytes / 1e6 / ((System.nanoTime() - t0) / 1e9));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
