// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.benchmarks;

import dev.berth.registry.api.Digest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Berth's pull-through cache against CNCF distribution's proxy mode (Debian's docker-registry
 * with {@code proxy: remoteurl:}), both in front of one upstream docker-registry, in one run:
 * cold pulls of a 6-layer image (each of a new image) against the same pull straight from the
 * upstream, the upstream requests each cold pull made, cached pulls one at a time (latency) and
 * from 16 clients at once (throughput), and each server's peak RSS. Run after
 * {@code mvn -q -DskipTests install}:
 * <pre>
 * java -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar dev.berth.registry.benchmarks.MirrorComparison server-app/target/berth.jar [ROUNDS [BERTH_OPTION...]]
 * </pre>
 * Options after the rounds go to Berth ({@code --storage memory}, to see what the disk costs).
 * {@code -Dupstream.link=10ms,200mbit} puts the upstream behind a {@link SlowLink} of that one-way
 * delay and rate, for the direct pulls and both caches alike, as a remote upstream is.
 */
public final class MirrorComparison {
    /** 6 layers, about 4 MiB: a small service image. */
    private static final int[] LAYERS = {2 << 20, 1 << 20, 512 << 10, 256 << 10, 64 << 10, 16 << 10};
    private static final Pattern UPSTREAM_REQUEST = Pattern.compile("\"(GET|HEAD) /v2/bench/([a-z]+)-");

    private MirrorComparison() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "server-app/target/berth.jar");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path root = Files.createTempDirectory("berth-mirror-bench");
        ExecutorService downloads = Executors.newFixedThreadPool(3);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("date", java.time.LocalDate.now().toString());
        results.put("machine", BenchRegistries.machine());
        results.put("image", "6 random layers of 2 MiB, 1 MiB, 512, 256, 64 and 16 KiB, and a config; OCI manifest");
        results.put("rounds", rounds);
        String link = System.getProperty("upstream.link", "");
        results.put("upstreamLink", link.isEmpty() ? "loopback" : link + " (one-way delay, rate; SlowLink)");
        try (BenchRegistries.Server upstream = BenchRegistries.distribution(Files.createDirectories(root.resolve("up")), null);
             SlowLink slow = link.isEmpty() ? null : SlowLink.parse(link, upstream.uri())) {
            URI far = slow == null ? upstream.uri() : slow.uri(); // where pulls reach the upstream
            // the upstream logs each request (info), so that its log counts what each cache asked
            try (BenchRegistries.Server proxy = BenchRegistries.distribution(Files.createDirectories(root.resolve("proxy")),
                    far.toString());
                 BenchRegistries.Server berth = BenchRegistries.berth(jar, Files.createDirectories(root.resolve("berth")),
                         berthOptions(far, args))) {
                Map<String, List<Digest>> images = new LinkedHashMap<>();
                for (int r = 0; r < rounds + 1; r++) {
                    for (String who : List.of("direct", "berth", "proxy")) {
                        images.put(who + "-" + r, BenchRegistries.pushImage(upstream.uri(), "bench/" + who + "-" + r, "v1",
                                r * 10L + who.length(), LAYERS));
                    }
                }
                Map<String, List<Double>> cold = new LinkedHashMap<>();
                for (int r = 0; r < rounds; r++) { // interleaved: the machine's drift hits all three alike
                    int k = r;
                    time(cold, "direct", () -> BenchRegistries.pull(far, "bench/direct-" + k, "v1",
                            images.get("direct-" + k), downloads));
                    time(cold, "berth", () -> BenchRegistries.pull(berth.uri(), "up/bench/berth-" + k, "v1",
                            images.get("berth-" + k), downloads));
                    time(cold, "proxy", () -> BenchRegistries.pull(proxy.uri(), "bench/proxy-" + k, "v1",
                            images.get("proxy-" + k), downloads));
                }
                results.put("coldPullMillis", summary(cold));
                results.put("upstreamRequestsPerColdPull", upstreamRequests(upstream.log(), rounds));

                String berthHit = "up/bench/berth-0";
                String proxyHit = "bench/proxy-0";
                Map<String, List<Double>> hits = new LinkedHashMap<>();
                for (int i = 0; i < 200; i++) {
                    time(hits, "berth", () -> BenchRegistries.pull(berth.uri(), berthHit, "v1", images.get("berth-0"),
                            downloads));
                    time(hits, "proxy", () -> BenchRegistries.pull(proxy.uri(), proxyHit, "v1", images.get("proxy-0"),
                            downloads));
                }
                results.put("cachedPullMillis", summary(hits));
                results.put("cachedPullServerMillis", serverMillis(berth.log(), "/v2/" + berthHit + "/", hits.get("berth").size()));
                Map<String, Object> throughput = new LinkedHashMap<>();
                for (int round = 0; round < 2; round++) {
                    throughput.merge("berth", pullsPerSecond(berth.uri(), berthHit, images.get("berth-0")), MirrorComparison::max);
                    throughput.merge("proxy", pullsPerSecond(proxy.uri(), proxyHit, images.get("proxy-0")), MirrorComparison::max);
                }
                results.put("cachedPullsPerSecond16Clients", throughput);
                results.put("peakRssMiB", Map.of("berth", berth.peakRssKib() / 1024, "proxy", proxy.peakRssKib() / 1024));
            }
        } finally {
            downloads.shutdownNow();
            TempDirectories.delete(root);
        }
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(results);
        System.out.println(json);
    }

    private static String[] berthOptions(URI upstream, String[] args) {
        List<String> options = new ArrayList<>(List.of("--mirror", "up=" + upstream, "--gc-interval", "off"));
        options.addAll(List.of(args).subList(Math.min(2, args.length), args.length));
        return options.toArray(String[]::new);
    }

    @FunctionalInterface
    private interface Pull {
        long run() throws Exception;
    }

    private static void time(Map<String, List<Double>> into, String who, Pull pull) throws Exception {
        long t0 = System.nanoTime();
        pull.run();
        into.computeIfAbsent(who, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6);
    }

    private static Map<String, Map<String, Double>> summary(Map<String, List<Double>> samples) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        samples.forEach((who, list) -> {
            List<Double> sorted = list.stream().sorted().toList();
            out.put(who, Map.of("p50", round(sorted.get(sorted.size() / 2)),
                    "p99", round(sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1))),
                    "mean", round(list.stream().mapToDouble(Double::doubleValue).average().orElse(0))));
        });
        return out;
    }

    /** Whole cached pulls (manifest by tag, then every blob) per second from 16 clients over 10 s. */
    private static double pullsPerSecond(URI registry, String path, List<Digest> blobs) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(16);
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (int c = 0; c < 16; c++) {
            running.add(clients.submit(() -> {
                ExecutorService own = Executors.newFixedThreadPool(3);
                java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
                try {
                    while (System.nanoTime() < end) {
                        BenchRegistries.pull(client, registry, path, "v1", blobs, own);
                        done.incrementAndGet();
                    }
                } finally {
                    own.shutdownNow();
                }
                return null;
            }));
        }
        long t0 = System.nanoTime();
        for (java.util.concurrent.Future<?> f : running) {
            f.get();
        }
        clients.shutdownNow();
        return round(done.get() / ((System.nanoTime() - t0) / 1e9));
    }

    /**
     * Berth's own time for each of the {@code pulls} cached pulls after the first: the sum of its
     * access log's {@code ms=} (whole milliseconds, cut) over the pull's requests.
     */
    private static Map<String, Map<String, Double>> serverMillis(Path log, String path, int pulls) throws Exception {
        Thread.sleep(500); // the log is written asynchronously
        List<Integer> ms = new ArrayList<>();
        Pattern request = Pattern.compile("path=" + Pattern.quote(path) + "\\S* .* ms=(\\d+) ");
        for (String line : Files.readAllLines(log)) {
            Matcher m = request.matcher(line);
            if (m.find()) {
                ms.add(Integer.parseInt(m.group(1)));
            }
        }
        int perPull = 1 + LAYERS.length + 1; // the manifest, the layers, the config
        List<Double> sums = new ArrayList<>();
        for (int p = 1; p <= pulls && (p + 1) * perPull <= ms.size(); p++) {
            sums.add((double) ms.subList(p * perPull, (p + 1) * perPull).stream().mapToInt(Integer::intValue).sum());
        }
        return summary(Map.of("berth", sums));
    }

    /** The upstream's access log, counted by which cache's images the requests were for. */
    private static Map<String, Double> upstreamRequests(Path log, int rounds) throws Exception {
        Thread.sleep(500); // its log is written asynchronously
        Map<String, Double> counts = new LinkedHashMap<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = UPSTREAM_REQUEST.matcher(line);
            if (m.find()) {
                counts.merge(m.group(2) + " " + m.group(1), 1.0, Double::sum);
            }
        }
        counts.replaceAll((k, v) -> k.startsWith("direct") ? 0 : round(v / rounds));
        counts.keySet().removeIf(k -> k.startsWith("direct"));
        return counts;
    }

    private static Object max(Object a, Object b) {
        return Math.max((Double) a, (Double) b);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static String format(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
