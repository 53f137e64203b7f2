// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.benchmarks;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
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
import java.util.Arrays;
import java.util.Map;

/**
 * What a cross-repository mount costs on the disk backend, over HTTP on loopback, as the number
 * of repositories grows: with {@code from}, and without it (found through the backend's index of
 * holders), for a blob one repository holds and for one every repository holds. Run after
 * {@code mvn -q -DskipTests install}:
 * <pre>
 * java -XX:+UseSerialGC -Xmx256m -cp benchmarks/target/benchmarks.jar dev.berth.registry.benchmarks.MountCost [REPOSITORIES...]
 * </pre>
 * Prints the median and 99th percentile of 2,000 mounts per case, each into a new repository,
 * the cases taking turns.
 */
public final class MountCost {
    private static final int MOUNTS = 2000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private MountCost() {
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[] {10, 10_000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.println("repositories  case                        median µs  p99 µs");
        for (int repositories : sizes) {
            measure(repositories);
        }
    }

    private static void measure(int repositories) throws Exception {
        Path dir = Files.createTempDirectory("berth-mount-cost");
        try (Storage storage = StorageProvider.named("disk").open(StorageConfig.of(Map.of("root", dir.toString())));
             BerthServer server = BerthServer.start(Registry.builder().storage(storage).build())) {
            BlobPutHandler put = (BlobPutHandler) storage.blobs();
            byte[] shared = "a base layer in every repository".getBytes(StandardCharsets.UTF_8);
            byte[] single = "a layer of one repository".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < repositories; i++) {
                Repository repo = new Repository(String.format("team%05d/app", i));
                store(put, repo, ("own layer " + i).getBytes(StandardCharsets.UTF_8));
                store(put, repo, shared);
            }
            Repository holder = new Repository("zz/holder"); // last in name order: a walk would reach it last
            store(put, holder, single);
            String base = server.uri().toString().replaceAll("/$", "");
            String[] labels = {"with from", "without from, 1 holder", "without from, all hold it"};
            String[] queries = {"?mount=" + Digest.sha256(single) + "&from=" + holder.name(),
                "?mount=" + Digest.sha256(single), "?mount=" + Digest.sha256(shared)};
            long[][] micros = new long[labels.length][MOUNTS];
            // the cases take turns, so that the disk's swings in fsync speed reach each alike
            for (int i = -200; i < MOUNTS; i++) { // the first 200 rounds warm up
                for (int c = 0; c < labels.length; c++) {
                    long took = mount(base + "/v2/target/case" + c + "/n" + (i + 200) + "/blobs/uploads/" + queries[c]);
                    if (i >= 0) {
                        micros[c][i] = took;
                    }
                }
            }
            for (int c = 0; c < labels.length; c++) {
                Arrays.sort(micros[c]);
                System.out.printf("%12d  %-26s %10d %7d%n", repositories, labels[c], micros[c][MOUNTS / 2],
                        micros[c][MOUNTS * 99 / 100]);
            }
        } finally {
            TempDirectories.delete(dir);
        }
    }

    private static void store(BlobPutHandler put, Repository repo, byte[] content) throws Exception {
        put.put(repo, Digest.sha256(content), new ByteArrayInputStream(content));
    }

    /** One mount into a new repository, in microseconds. */
    private static long mount(String uri) throws Exception {
        long start = System.nanoTime();
        HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(uri))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        long took = (System.nanoTime() - start) / 1000;
        if (response.statusCode() != 201) {
            throw new IllegalStateException(response.statusCode() + " for " + uri);
        }
        return took;
    }
}
