// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.benchmarks;

import dev.berth.registry.storage.s3.S3TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link ScaleRun}'s measurements on the S3 backend, at a smaller scale: berth.jar, started as
 * README.md starts it, on the S3 server the backend's tests use (s3proxy in this JVM, its store
 * in memory), against the same server with an empty prefix. Run after {@code mvn -q -DskipTests install}:
 * <pre>
 * java -XX:+UseSerialGC -Xmx4g -cp benchmarks/target/benchmarks.jar dev.berth.registry.benchmarks.S3ScaleRun \
 *     server-app/target/berth.jar [REPOSITORIES [BLOBS_PER_REPOSITORY [BIG_REPOSITORIES [TAGS_EACH [SECONDS]]]]]
 * </pre>
 * (defaults 5000 10 1 20000 10). Beside two GC passes on the idle server it reports how many
 * link and manifest records each read from the bucket: the second, over an unchanged bucket,
 * should read none.
 * It prints JSON.
 */
public final class S3ScaleRun {
    private S3ScaleRun() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        ScaleData data = new ScaleData(ScaleRun.arg(args, 1, 5000), ScaleRun.arg(args, 2, 10), ScaleRun.arg(args, 3, 1),
                ScaleRun.arg(args, 4, 20_000));
        int seconds = ScaleRun.arg(args, 5, 10);
        S3TestServer s3 = S3TestServer.shared();
        Path root = Files.createTempDirectory("berth-s3-scale");
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("date", LocalDate.now().toString());
        results.put("machine", BenchRegistries.machine());
        results.put("storage", "s3: s3proxy in the benchmark's JVM, its store in memory");
        results.put("berthJvmFlags", String.join(" ", BenchRegistries.berthJvmFlags()));
        results.put("registry", data.summary());
        try {
            results.put("empty", ScaleRun.empty(jar, Files.createDirectories(root.resolve("empty")), seconds,
                    options(s3.settings("empty/"))));
            Map<String, String> large = s3.settings("large/");
            results.put("build_s", ScaleRun.round(data.build("s3", large, 16)));
            results.put("large", ScaleRun.large(jar, Files.createDirectories(root.resolve("large")), data, seconds,
                    options(large), () -> Map.of("link records read", s3.linkReads(),
                            "manifest records read", s3.manifestReads())));
        } finally {
            TempDirectories.delete(root);
        }
        System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(results));
        System.exit(0); // s3proxy's threads are not daemons
    }

    /** The server's options for an S3 storage with these settings. */
    private static List<String> options(Map<String, String> settings) {
        List<String> options = new ArrayList<>(List.of("--storage", "s3"));
        new TreeMap<>(settings).forEach((key, value) -> options.addAll(List.of("-s", key + "=" + value)));
        return options;
    }
}
