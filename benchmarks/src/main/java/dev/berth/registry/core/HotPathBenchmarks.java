// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import dev.berth.registry.spi.VerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot paths: hashing while streaming (every upload), routing (every request), manifest
 * parsing and validation (every manifest push). Run: {@code java -jar benchmarks/target/benchmarks.jar}.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class HotPathBenchmarks {
    private static final int BLOB = 16 * 1024 * 1024;

    private byte[] blob;
    private Digest blobDigest;
    private byte[] buffer;
    private List<Route> routes;
    private byte[] manifest;
    private byte[] index;

    @Setup
    public void setUp() {
        blob = new byte[BLOB];
        new Random(1).nextBytes(blob);
        blobDigest = Digest.sha256(blob);
        buffer = new byte[256 * 1024];
        Route.Handler none = exchange -> { };
        routes = RouteTable.ROWS.stream().map(row -> Route.of(row, none)).toList(); // the router's own table
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            layers.append(i > 0 ? "," : "").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                    + "\"digest\":\"").append(Digest.sha256(new byte[] {(byte) i})).append("\",\"size\":12345678}");
        }
        manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Digest.sha256(new byte[] {42})
                + "\",\"size\":1500},\"layers\":[" + layers + "],\"annotations\":{\"org.opencontainers.image.created\":"
                + "\"2026-11-27T00:00:00Z\"}}").getBytes(StandardCharsets.UTF_8);
        StringBuilder children = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            children.append(i > 0 ? "," : "").append("{\"mediaType\":\"").append(MediaType.OCI_MANIFEST)
                    .append("\",\"digest\":\"").append(Digest.sha256(new byte[] {(byte) (100 + i)}))
                    .append("\",\"size\":2000,\"platform\":{\"architecture\":\"arch").append(i).append("\",\"os\":\"linux\"}}");
        }
        index = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_INDEX + "\",\"manifests\":[" + children + "]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The floor: the JDK's SHA-256 over 16 MiB in 256 KiB updates. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public byte[] sha256Only() {
        MessageDigest md = Digest.Algorithm.SHA256.newMessageDigest();
        for (int off = 0; off < BLOB; off += buffer.length) {
            md.update(blob, off, buffer.length);
        }
        return md.digest();
    }

    /** What a blob PUT costs in core: the 16 MiB body read through the verifying stream (digest + size). */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long digestWhileStreaming() throws IOException {
        long total = 0;
        try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(blob), blobDigest, BLOB)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
            }
        }
        return total;
    }

    /** Matching a manifest GET against the route table (the common request). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Optional<Map<String, String>> routeManifestGet() {
        String path = "/v2/library/some/app/manifests/latest";
        for (Route r : routes) {
            Optional<Map<String, String>> match = r.match(path);
            if (match.isPresent()) {
                return match;
            }
        }
        return Optional.empty();
    }

    /** Parsing and validating an image manifest with 10 layers. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public ManifestParser.Parsed parseImageManifest() {
        return ManifestParser.parse(manifest, Optional.of(MediaType.OCI_MANIFEST), Digest.sha256(manifest));
    }

    /** Parsing and validating an index of 8 platforms. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public ManifestParser.Parsed parseIndex() {
        return ManifestParser.parse(index, Optional.of(MediaType.OCI_INDEX), Digest.sha256(index));
    }
}
