// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.benchmarks;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Registry;
import dev.berth.registry.jetty.BerthServer;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Manifest GET latency with and without a collection pass over 10,000 blobs, on the disk
 * backend, over HTTP on loopback (issue: online GC). Run after {@code mvn -q -DskipTests install}:
 * <pre>
 * java -XX:+UseSerialGC -Xmx256m -cp benchmarks/target/benchmarks.jar dev.berth.registry.benchmarks.GcLatency [BLOBS] [CONNECTIONS]
 * </pre>
 * Each round first measures {@code CONNECTIONS} clients getting a manifest by tag for 10 s
 * (no collection), then the same load during a pass that lists the
 * blobs and claims, re-checks and sweeps the unreferenced ones (grace 0), and prints both
 * latency distributions.
 */
public final class GcLatency {
    private GcLatency() {
    }

    public static void main(String[] args) throws Exception {
        int blobs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        Path dir = Files.createTempDirectory("berth-gc-latency");
        Storage storage = StorageProvider.named("disk").open(StorageConfig.of(Map.of("root", dir.toString())));
        Registry registry = Registry.builder().storage(storage).build();
        try (BerthServer server = BerthServer.start(registry)) {
            URI base = URI.create(server.uri().toString().replaceAll("/$", ""));
            pushTarget(base);
            for (int round = 1; round <= 2; round++) {
                fill(storage, blobs, round);
                Collector collector = Collector.builder(registry).grace(Duration.ZERO).build();
                long[] without = load(base, connections, deadline(Duration.ofSeconds(10).toNanos()));
                AtomicBoolean done = new AtomicBoolean();
                CompletableFuture<Collector.Report> pass = CompletableFuture.supplyAsync(() -> {
                    try {
                        return collector.collect(false);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    } finally {
                        done.set(true);
                    }
                });
                long[] during = load(base, connections, done::get);
                Collector.Report report = pass.get();
                System.out.printf("round %d: pass over %d blobs: %s%n", round, blobs, report);
                System.out.printf("  without collection: %s%n  during collection:  %s%n  p99 ratio during/without: %.2f%n",
                        summary(without), summary(during), percentile(during, 0.99) / (double) percentile(without, 0.99));
            }
        } finally {
            storage.close();
        }
    }

    private static BooleanSupplier deadline(long nanos) {
        long end = System.nanoTime() + nanos;
        return () -> System.nanoTime() > end;
    }

    /** Unreferenced blobs in their own repositories, stored through the SPI (as pushes leave them). */
    private static void fill(Storage storage, int count, int round) throws Exception {
        BlobPutHandler put = (BlobPutHandler) storage.blobs();
        ExecutorService writers = Executors.newFixedThreadPool(32);
        List<Future<?>> work = new ArrayList<>();
        for (int w = 0; w < 32; w++) {
            int writer = w;
            work.add(writers.submit(() -> {
                for (int i = writer; i < count; i += 32) {
                    byte[] content = ("round " + round + " blob " + i).getBytes(StandardCharsets.UTF_8);
                    put.put(new Repository("garbage/r" + (i % 10)), Digest.sha256(content),
                            new ByteArrayInputStream(content));
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        writers.shutdown();
    }

    private static void pushTarget(URI base) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        client.send(HttpRequest.newBuilder(URI.create(base + "/v2/bench/app/blobs/uploads/?digest="
                + Digest.sha256(config))).POST(HttpRequest.BodyPublishers.ofByteArray(config)).build(),
                HttpResponse.BodyHandlers.discarding());
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + Digest.sha256(config) + "\",\"size\":2},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(base + "/v2/bench/app/manifests/latest"))
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("manifest push failed: " + r.statusCode());
        }
    }

    /** Latencies in nanoseconds of manifest GETs by tag from {@code connections} clients until {@code stop}. */
    private static long[] load(URI base, int connections, BooleanSupplier stop) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v2/bench/app/manifests/latest"))
                .header("Accept", "application/vnd.oci.image.manifest.v1+json").build();
        ExecutorService clients = Executors.newFixedThreadPool(connections);
        List<Future<long[]>> results = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            results.add(clients.submit(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                long[] latencies = new long[1 << 16];
                int n = 0;
                while (!stop.getAsBoolean()) {
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    long took = System.nanoTime() - t0;
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("GET manifest: " + r.statusCode());
                    }
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = took;
                }
                return Arrays.copyOf(latencies, n);
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> f : results) {
            all.add(f.get());
        }
        clients.shutdown();
        long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return merged;
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static String summary(long[] sorted) {
        return String.format("%d requests, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms", sorted.length,
                percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6, percentile(sorted, 0.999) / 1e6,
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }
}
