// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one online GC pass costs on a large disk registry, for one or more builds of the server on
 * the same data, so a change to the collector can be measured against the build before it:
 * <pre>
 * java -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar dev.berth.registry.benchmarks.GcPassCost \
 *     DIR REPOSITORIES TAGS_EACH JAR...
 * </pre>
 * builds {@link ScaleData}{@code (REPOSITORIES, 10, 1, TAGS_EACH)} in DIR unless it is there
 * already (and keeps it), then starts each JAR on it with README's flags in turn and times an
 * idle pass, a second idle pass, and a pass while 4 clients get manifests of random
 * repositories, with those clients' figures with and without the pass. Nothing is swept, so
 * every pass and every build sees the same data. It prints JSON.
 */
public final class GcPassCost {
    private GcPassCost() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ScaleData data = new ScaleData(Integer.parseInt(args[1]), 10, 1, Integer.parseInt(args[2]));
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("date", LocalDate.now().toString());
        results.put("machine", BenchRegistries.machine());
        results.put("berthJvmFlags", String.join(" ", BenchRegistries.berthJvmFlags()));
        results.put("registry", data.summary());
        if (!Files.isDirectory(dir.resolve("data"))) {
            results.put("build_s", ScaleRun.round(data.build(dir.resolve("data"), 16)));
        }
        for (int i = 3; i < args.length; i++) {
            results.put(args[i], passes(Path.of(args[i]), dir, data.repositories()));
        }
        System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(results));
    }

    private static Map<String, Object> passes(Path jar, Path dir, int repositories) throws Exception {
        Map<String, Object> f = new LinkedHashMap<>();
        int admin = BenchRegistries.freePort();
        try (BenchRegistries.Server berth = BenchRegistries.berth(jar, dir, "--gc-interval", "off", "--no-request-log",
                "--admin-address", "127.0.0.1:" + admin)) {
            URI adminUri = URI.create("http://127.0.0.1:" + admin);
            f.put("first idle pass_s", ScaleRun.round(ScaleRun.collect(adminUri)));
            f.putAll(ScaleRun.gcPass(berth.uri(), adminUri, repositories, Map::of));
            f.put("peak_rss_MiB", berth.peakRssKib() / 1024);
        }
        System.err.println(jar + ": " + f);
        return f;
    }
}
