// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.benchmarks;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.core.Registry;
import dev.berth.registry.jetty.BerthServer;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.PushedManifest;
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
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a page of {@code _catalog} and of {@code tags/list} costs on the disk backend as the
 * registry grows, over HTTP on loopback. Run after {@code mvn -q -DskipTests install}:
 * <pre>
 * java -XX:+UseSerialGC -Xmx256m -cp benchmarks/target/benchmarks.jar dev.berth.registry.benchmarks.ListingCost [REPOSITORIES] [TAGS]
 * </pre>
 * Builds REPOSITORIES repositories with one blob each and one repository with TAGS tags through
 * the SPI, then prints the median time of a 100-entry page at the start and in the middle of
 * each listing, the time to page through each listing whole, and the median time to delete a
 * manifest by digest in the repository with many tags.
 */
public final class ListingCost {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ListingCost() {
    }

    public static void main(String[] args) throws Exception {
        int repositories = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int tags = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        Path dir = Files.createTempDirectory("berth-listing-cost");
        try (Storage storage = StorageProvider.named("disk").open(StorageConfig.of(Map.of("root", dir.toString())));
             BerthServer server = BerthServer.start(Registry.builder().storage(storage).build())) {
            fill(storage, repositories, tags);
            String base = server.uri().toString().replaceAll("/$", "");
            String middleRepo = String.format("team%06d/app", repositories / 2);
            String middleTag = String.format("v%07d", tags / 2);
            System.out.printf("%d repositories, one of them with %d tags; median of 20 pages of 100%n", repositories, tags);
            System.out.printf("_catalog first page            %8.2f ms%n", median(base + "/v2/_catalog?n=100"));
            System.out.printf("_catalog page in the middle    %8.2f ms%n", median(base + "/v2/_catalog?n=100&last=" + middleRepo));
            System.out.printf("_catalog, every page           %8.2f ms%n", walk(base, "/v2/_catalog?n=100"));
            System.out.printf("tags/list first page           %8.2f ms%n", median(base + "/v2/big/app/tags/list?n=100"));
            System.out.printf("tags/list page in the middle   %8.2f ms%n", median(base + "/v2/big/app/tags/list?n=100&last=" + middleTag));
            System.out.printf("tags/list, every page          %8.2f ms%n", walk(base, "/v2/big/app/tags/list?n=100"));
            System.out.printf("DELETE of a manifest there     %8.2f ms%n", deletes(storage, base));
        } finally {
            TempDirectories.delete(dir);
        }
    }

    private static void fill(Storage storage, int repositories, int tags) throws Exception {
        BlobPutHandler put = (BlobPutHandler) storage.blobs();
        for (int i = 0; i < repositories; i++) {
            byte[] content = ("layer " + i).getBytes(StandardCharsets.UTF_8);
            put.put(new Repository(String.format("team%06d/app", i)), Digest.sha256(content), new ByteArrayInputStream(content));
        }
        Set<Tag> all = new HashSet<>();
        for (int i = 0; i < tags; i++) {
            all.add(new Tag(String.format("v%07d", i)));
        }
        storage.manifests().put(new Repository("big/app"), pushed(manifest("")), all);
    }

    /** Median time to delete, by digest, one of 100 one-tag manifests of the repository with many tags. */
    private static double deletes(Storage storage, String base) throws Exception {
        double[] ms = new double[100];
        Digest[] digests = new Digest[ms.length];
        for (int i = 0; i < ms.length; i++) {
            byte[] manifest = manifest("\"annotations\":{\"n\":\"" + i + "\"}");
            digests[i] = Digest.sha256(manifest);
            storage.manifests().put(new Repository("big/app"), pushed(manifest), Set.of(new Tag("single-" + i)));
        }
        for (int i = 0; i < ms.length; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v2/big/app/manifests/"
                    + digests[i])).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            ms[i] = (System.nanoTime() - start) / 1e6;
            if (response.statusCode() != 202) {
                throw new IllegalStateException("DELETE: " + response.statusCode() + " " + response.body());
            }
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    private static byte[] manifest(String extra) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"sha256:"
                + "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},\"layers\":[]"
                + (extra.isEmpty() ? "" : "," + extra) + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static PushedManifest pushed(byte[] manifest) {
        return new PushedManifest(new Manifest(Digest.sha256(manifest), MediaType.OCI_MANIFEST, manifest),
                Set.of(), Optional.empty(), Optional.empty(), Map.of(), Set.of());
    }

    private static double median(String uri) throws Exception {
        double[] ms = new double[20];
        for (int i = -5; i < ms.length; i++) {
            long start = System.nanoTime();
            get(uri);
            if (i >= 0) {
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    /** Follows the Link headers from {@code first} to the end; milliseconds. */
    private static double walk(String base, String first) throws Exception {
        long start = System.nanoTime();
        String next = first;
        while (next != null) {
            HttpResponse<String> page = get(base + next);
            next = page.headers().firstValue("Link").map(link -> link.substring(1, link.indexOf('>'))).orElse(null);
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static HttpResponse<String> get(String uri) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(uri)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(response.statusCode() + " for " + uri + ": " + response.body());
        }
        return response;
    }
}
