// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.benchmarks;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.PushedManifest;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A large disk registry built through the SPI, as pushes would leave it: {@code repositories}
 * repositories {@code team%06d/app}, each with {@code blobsPerRepository} small blobs (a config
 * and layers) and one image manifest naming them, tagged {@code v1}; and {@code bigRepositories}
 * repositories {@code big%d/app} whose one manifest carries {@code tagsEach} tags.
 */
record ScaleData(int repositories, int blobsPerRepository, int bigRepositories, int tagsEach) {
    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    long blobs() {
        return (long) repositories * blobsPerRepository;
    }

    long tags() {
        return repositories + (long) bigRepositories * tagsEach;
    }

    /** What a results file says of it. */
    Map<String, Object> summary() {
        return Map.of("blobs", blobs(), "repositories", repositories + bigRepositories, "tags", tags(),
                "largest tags/list", tagsEach);
    }

    static String repository(int i) {
        return String.format("team%06d/app", i);
    }

    static String tag(int i) {
        return String.format("v%07d", i);
    }

    /** Builds it in a disk storage under {@code root} with {@code threads} writers; returns the seconds it took. */
    double build(Path root, int threads) throws Exception {
        return build("disk", Map.of("root", root.toString()), threads);
    }

    /** Builds it in the storage {@code provider} opens with {@code settings}; returns the seconds it took. */
    double build(String provider, Map<String, String> settings, int threads) throws Exception {
        long t0 = System.nanoTime();
        try (Storage storage = StorageProvider.named(provider).open(StorageConfig.of(settings))) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int first = t;
                    writers.add(pool.submit(() -> {
                        for (int i = first; i < repositories; i += threads) {
                            image(storage, i);
                        }
                        return null;
                    }));
                }
                for (int b = 0; b < bigRepositories; b++) {
                    int big = b;
                    writers.add(pool.submit(() -> {
                        manyTags(storage, big);
                        return null;
                    }));
                }
                for (Future<?> writer : writers) {
                    writer.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private void image(Storage storage, int i) throws Exception {
        Repository repo = new Repository(repository(i));
        BlobPutHandler put = (BlobPutHandler) storage.blobs();
        List<String> descriptors = new ArrayList<>();
        Set<Digest> references = new LinkedHashSet<>();
        for (int j = 0; j < blobsPerRepository; j++) {
            byte[] content = ("repository " + i + " blob " + j).getBytes(StandardCharsets.UTF_8);
            Digest digest = Digest.sha256(content);
            put.put(repo, digest, new ByteArrayInputStream(content));
            references.add(digest);
            descriptors.add("{\"mediaType\":\"" + (j == 0 ? "application/vnd.oci.image.config.v1+json"
                    : "application/vnd.oci.image.layer.v1.tar") + "\",\"digest\":\"" + digest + "\",\"size\":"
                    + content.length + "}");
        }
        String layers = String.join(",", descriptors.subList(Math.min(1, descriptors.size()), descriptors.size()));
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":" + descriptors.get(0)
                + ",\"layers\":[" + layers + "]}").getBytes(StandardCharsets.UTF_8);
        storage.manifests().put(repo, pushed(manifest, references), Set.of(new Tag("v1")));
    }

    private void manyTags(Storage storage, int big) throws Exception {
        byte[] config = ("big " + big).getBytes(StandardCharsets.UTF_8);
        Repository repo = new Repository("big" + big + "/app");
        Digest digest = Digest.sha256(config);
        ((BlobPutHandler) storage.blobs()).put(repo, digest, new ByteArrayInputStream(config));
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + digest + "\",\"size\":" + config.length
                + "},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
        Set<Tag> tags = new HashSet<>();
        for (int t = 0; t < tagsEach; t++) {
            tags.add(new Tag(tag(t)));
        }
        storage.manifests().put(repo, pushed(manifest, Set.of(digest)), tags);
    }

    private static PushedManifest pushed(byte[] manifest, Set<Digest> references) {
        return new PushedManifest(new Manifest(Digest.sha256(manifest), MediaType.OCI_MANIFEST, manifest),
                references, Optional.empty(), Optional.empty(), Map.of());
    }
}
