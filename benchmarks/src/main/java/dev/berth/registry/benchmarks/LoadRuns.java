// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Load for a fixed time: Apache Bench ({@code ab}, Debian's apache2-utils) for GET/HEAD, Java clients for writes. */
final class LoadRuns {
    private static final Pattern RPS = Pattern.compile("Requests per second:\\s+([0-9.]+)");
    private static final Pattern P99 = Pattern.compile("\\n\\s+99%\\s+([0-9]+)");
    private static final Pattern FAILED = Pattern.compile("(Failed requests|Non-2xx responses):\\s+([0-9]+)");

    private LoadRuns() {
    }

    /** {@code ab -k} against {@code url} for {@code seconds} with {@code connections}: requests per second and p99 ms. */
    static Map<String, Double> ab(URI url, int connections, int seconds, boolean head, String accept) throws Exception {
        List<String> command = new ArrayList<>(List.of("ab", "-q", "-k", "-c", String.valueOf(connections), "-t",
                String.valueOf(seconds), "-n", "10000000", "-H", "Accept: " + accept));
        if (head) {
            command.add("-i");
        }
        command.add(url.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("ab failed: " + out);
        }
        Matcher failed = FAILED.matcher(out);
        while (failed.find()) {
            if (Long.parseLong(failed.group(2)) > 0) {
                throw new IllegalStateException("ab saw failures against " + url + ":\n" + out);
            }
        }
        Matcher rps = RPS.matcher(out);
        Matcher p99 = P99.matcher(out);
        if (!rps.find() || !p99.find()) {
            throw new IllegalStateException("unexpected ab output:\n" + out);
        }
        return Map.of("rps", Double.parseDouble(rps.group(1)), "p99_ms", Double.parseDouble(p99.group(1)));
    }

    /** One operation a client repeats; {@code i} numbers its operations so that each can name something new. */
    @FunctionalInterface
    interface Operation {
        void run(HttpClient client, int worker, int i) throws Exception;
    }

    /** {@code clients} Java clients repeating {@code op} for {@code seconds}: operations per second, p50 and p99 ms. */
    static Map<String, Double> repeat(int clients, int seconds, Operation op) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        return repeatWhile(clients, () -> System.nanoTime() < end, op);
    }

    /** As {@link #repeat}, for as long as {@code more} says. */
    static Map<String, Double> repeatWhile(int clients, java.util.function.BooleanSupplier more, Operation op)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<List<Long>>> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int w = 0; w < clients; w++) {
            int worker = w;
            workers.add(pool.submit(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                List<Long> times = new ArrayList<>();
                for (int i = 0; more.getAsBoolean(); i++) {
                    long start = System.nanoTime();
                    op.run(client, worker, i);
                    times.add(System.nanoTime() - start);
                }
                return times;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> w : workers) {
            all.addAll(w.get());
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        pool.shutdownNow();
        Collections.sort(all);
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("rps", Math.round(all.size() / elapsed * 10) / 10.0);
        result.put("p50_ms", all.isEmpty() ? 0 : Math.round(all.get(all.size() / 2) / 1e4) / 100.0);
        result.put("p99_ms", all.isEmpty() ? 0 : Math.round(all.get((int) (all.size() * 0.99)) / 1e4) / 100.0);
        return result;
    }
}
