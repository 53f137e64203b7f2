// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.benchmarks;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * How Berth's costs grow with the registry: berth.jar, started as README.md starts it, on a disk
 * registry of a million blobs, 100,000 repositories and a million tags, against the same server
 * on an empty one, with distribution beside it for pushes. Run after {@code mvn -q -DskipTests install}:
 * <pre>
 * java -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar dev.berth.registry.benchmarks.ScaleRun \
 *     server-app/target/berth.jar [REPOSITORIES [BLOBS_PER_REPOSITORY [BIG_REPOSITORIES [TAGS_EACH [SECONDS]]]]]
 * </pre>
 * (defaults 100000 10 9 100000 10); {@code -Dscale.keep=DIR} before {@code -cp} builds the large
 * registry in DIR once and keeps it, to measure another build of Berth on the same data. It
 * builds the registry through the SPI ({@link ScaleData}),
 * then measures restart to the first served request, manifest GETs by tag, paging through
 * {@code tags/list} and {@code _catalog}, one online GC pass with GETs during it, and
 * small-artifact pushes at 16 and 64 clients; it prints JSON.
 */
public final class ScaleRun {
    private ScaleRun() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        ScaleData data = new ScaleData(arg(args, 1, 100_000), arg(args, 2, 10), arg(args, 3, 9), arg(args, 4, 100_000));
        int seconds = arg(args, 5, 10);
        Path root = Files.createTempDirectory("berth-scale");
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("date", LocalDate.now().toString());
        results.put("machine", BenchRegistries.machine());
        results.put("berthJvmFlags", String.join(" ", BenchRegistries.berthJvmFlags()));
        results.put("registry", data.summary());
        try {
            results.put("empty", empty(jar, Files.createDirectories(root.resolve("empty")), seconds, List.of()));
            String keep = System.getProperty("scale.keep");
            Path big = Files.createDirectories(keep != null ? Path.of(keep) : root.resolve("big"));
            if (!Files.isDirectory(big.resolve("data"))) {
                results.put("build_s", round(data.build(big.resolve("data"), 16)));
            }
            results.put("large", large(jar, big, data, seconds, List.of(), Map::of));
            Map<String, Object> distribution = new LinkedHashMap<>();
            try (BenchRegistries.Server dist = BenchRegistries.distribution(Files.createDirectories(root.resolve("dist")), null)) {
                pushes(dist.uri(), distribution, seconds);
                distribution.put("peak_rss_MiB", dist.peakRssKib() / 1024);
            }
            results.put("distribution (empty)", distribution);
        } finally {
            TempDirectories.delete(root);
        }
        System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(results));
    }

    /** Manifest GETs of one repository on a registry holding only it, started with {@code storage} options. */
    static Map<String, Object> empty(Path jar, Path dir, int seconds, List<String> storage) throws Exception {
        Map<String, Object> empty = new LinkedHashMap<>();
        try (BenchRegistries.Server berth = BenchRegistries.berth(jar, dir, options(storage, List.of()))) {
            BenchRegistries.pushImage(berth.uri(), ScaleData.repository(0), "v1", 1, 1024);
            gets(berth.uri(), 16, false, 1, seconds, () -> true); // the JIT's warm-up
            empty.put("manifest GET by tag, 16 clients", gets(berth.uri(), 16, false, 1, seconds, () -> true));
            empty.put("rss_MiB", rssMiB(berth));
        }
        return empty;
    }

    private static String[] options(List<String> storage, List<String> more) {
        List<String> all = new ArrayList<>(List.of("--gc-interval", "off", "--no-request-log"));
        all.addAll(storage);
        all.addAll(more);
        return all.toArray(String[]::new);
    }

    /**
     * Every measurement on the large registry that {@code data} built, served from {@code dir}
     * with {@code storage} options; {@code reads} counts the storage's record reads, where it can.
     */
    static Map<String, Object> large(Path jar, Path dir, ScaleData data, int seconds, List<String> storage,
                                     Supplier<Map<String, Long>> reads) throws Exception {
        Map<String, Object> f = new LinkedHashMap<>();
        int admin = BenchRegistries.freePort();
        long start = System.nanoTime();
        try (BenchRegistries.Server berth = BenchRegistries.berth(jar, dir, options(storage,
                List.of("--admin-address", "127.0.0.1:" + admin)))) {
            URI first = berth.uri().resolve("/v2/" + ScaleData.repository(data.repositories() / 2) + "/manifests/v1");
            while (get(first).statusCode() != 200) {
                Thread.sleep(5);
            }
            f.put("restart to the first served manifest, ms", round((System.nanoTime() - start) / 1e6));
            f.put("rss_MiB after start", rssMiB(berth));
            gets(berth.uri(), 16, false, data.repositories(), seconds, () -> true); // the JIT's warm-up
            f.put("manifest GET by tag, one repository, 16 clients", gets(berth.uri(), 16, false, data.repositories(), seconds,
                    () -> true));
            f.put("manifest GET by tag, random repositories, 16 clients", gets(berth.uri(), 16, true, data.repositories(),
                    seconds, () -> true));
            f.put("rss_MiB after GETs", rssMiB(berth));
            f.put("tags/list of " + data.tagsEach() + " tags", paging(berth.uri(), "/v2/big0/app/tags/list?n=100",
                    "/v2/big0/app/tags/list?n=100&last=" + ScaleData.tag(data.tagsEach() / 2)));
            f.put("_catalog of " + (data.repositories() + data.bigRepositories()) + " repositories",
                    paging(berth.uri(), "/v2/_catalog?n=100", "/v2/_catalog?n=100&last=" + ScaleData.repository(data.repositories() / 2)));
            f.put("rss_MiB after listings", rssMiB(berth));
            f.put("GC pass", gcPass(berth.uri(), URI.create("http://127.0.0.1:" + admin), data.repositories(), reads));
            f.put("rss_MiB after GC", rssMiB(berth));
            pushes(berth.uri(), f, seconds);
            f.put("peak_rss_MiB", berth.peakRssKib() / 1024);
        }
        return f;
    }

    /** Manifest GETs by tag from {@code clients} while {@code more}, for at most {@code seconds}, of one repository or of random ones. */
    static Map<String, Double> gets(URI base, int clients, boolean random, int repositories, int seconds,
                                            java.util.function.BooleanSupplier more) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        return LoadRuns.repeatWhile(clients, () -> more.getAsBoolean() && System.nanoTime() < end, (client, w, i) -> {
            int repo = random ? ThreadLocalRandom.current().nextInt(repositories) : 0;
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(base.resolve("/v2/" + ScaleData.repository(repo)
                    + "/manifests/v1")).header("Accept", ScaleData.MANIFEST).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("manifest GET: " + r.statusCode());
            }
        });
    }

    /**
     * A pass started from the admin endpoint on an idle server (where the storage counts its
     * record reads, a second one too: what it reads again of what did not change), then one while
     * 4 clients get random manifests, with the same load measured without a pass first.
     */
    static Map<String, Object> gcPass(URI base, URI admin, int repositories, Supplier<Map<String, Long>> reads)
            throws Exception {
        Map<String, Object> f = new LinkedHashMap<>();
        Map<String, Long> before = reads.get();
        f.put("idle pass_s", round(collect(admin)));
        Map<String, Long> between = reads.get();
        before.forEach((what, n) -> f.put(what + " by the idle pass", between.get(what) - n));
        if (!before.isEmpty()) { // a second pass over what did not change: the records it reads again
            f.put("second idle pass_s", round(collect(admin)));
            Map<String, Long> after = reads.get();
            between.forEach((what, n) -> f.put(what + " by the second idle pass", after.get(what) - n));
        }
        f.put("GETs by 4 clients without a pass (10 s)", gets(base, 4, true, repositories, 10, () -> true));
        AtomicBoolean collecting = new AtomicBoolean(true);
        CompletableFuture<Map<String, Double>> during = CompletableFuture.supplyAsync(() -> {
            try {
                return gets(base, 4, true, repositories, 3600, collecting::get);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            f.put("pass under load_s", round(collect(admin)));
        } finally {
            collecting.set(false);
        }
        f.put("GETs by 4 clients during that pass", during.get());
        return f;
    }

    /** Seconds one pass took. */
    static double collect(URI admin) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> report = BenchRegistries.HTTP.send(HttpRequest.newBuilder(admin.resolve("/admin/gc"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (report.statusCode() != 200) {
            throw new IllegalStateException("GC: " + report.statusCode() + " " + report.body());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** The first page, a page in the middle (medians of 20) and every page in turn. */
    private static Map<String, Double> paging(URI base, String first, String middle) throws Exception {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("first page ms", median(base.resolve(first)));
        f.put("middle page ms", median(base.resolve(middle)));
        long start = System.nanoTime();
        int pages = 0;
        for (String next = first; next != null; pages++) {
            HttpResponse<String> page = get(base.resolve(next));
            if (page.statusCode() != 200) {
                throw new IllegalStateException(next + ": " + page.statusCode());
            }
            next = page.headers().firstValue("Link").map(link -> link.substring(1, link.indexOf('>'))).orElse(null);
        }
        f.put("pages", (double) pages);
        f.put("every page s", round((System.nanoTime() - start) / 1e9));
        return f;
    }

    static void pushes(URI registry, Map<String, Object> f, int seconds) throws Exception {
        for (int clients : new int[] {16, 64}) {
            Map<String, Double> pushes = LoadRuns.repeat(clients, seconds, (client, w, i) -> BenchRegistries.pushImage(client,
                    registry, "small/c" + clients + "-w" + w + "-" + i, "v1", w * 1_000_000L + i, 1024));
            f.put("small-artifact pushes into new repositories, " + clients + " clients", pushes);
        }
    }

    private static double median(URI uri) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = -3; i < 20; i++) {
            long start = System.nanoTime();
            get(uri);
            if (i >= 0) {
                ms.add((System.nanoTime() - start) / 1e6);
            }
        }
        ms.sort(null);
        return round(ms.get(ms.size() / 2));
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return BenchRegistries.HTTP.send(HttpRequest.newBuilder(uri).header("Accept", ScaleData.MANIFEST).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long rssMiB(BenchRegistries.Server server) throws Exception {
        return server.rssKib() / 1024;
    }

    static int arg(String[] args, int i, int otherwise) {
        return args.length > i ? Integer.parseInt(args[i]) : otherwise;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
