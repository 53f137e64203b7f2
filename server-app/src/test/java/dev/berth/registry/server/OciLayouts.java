// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import dev.berth.registry.api.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Generates OCI image layouts for client tests: real gzip tarballs of random files, configs, manifests, an index. */
final class OciLayouts {
    static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String INDEX = "application/vnd.oci.image.index.v1+json";

    /** A written image: its manifest's digest and bytes, and its layers' digests. */
    record Image(Digest digest, byte[] manifest, List<Digest> layers) {
    }

    private final Path root;
    private final List<String> refs = new ArrayList<>();

    OciLayouts(Path root) throws IOException {
        this.root = root;
        Files.createDirectories(root.resolve("blobs/sha256"));
        Files.writeString(root.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    }

    Path root() {
        return root;
    }

    Digest blob(byte[] content) throws IOException {
        Digest d = Digest.sha256(content);
        Files.write(root.resolve("blobs/sha256").resolve(d.encoded()), content);
        return d;
    }

    /** An image of {@code layers} gzip tar layers, each holding one random file of {@code layerBytes}. */
    Image image(String arch, int layers, int layerBytes, long seed) throws IOException {
        StringBuilder diffIds = new StringBuilder();
        StringBuilder layerJson = new StringBuilder();
        List<Digest> layerDigests = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            byte[] file = new byte[layerBytes];
            new Random(seed * 100 + i).nextBytes(file);
            byte[] tar = tar("data/" + arch + "-" + seed + "-" + i + ".bin", file);
            byte[] gz = gzip(tar);
            Digest d = blob(gz);
            layerDigests.add(d);
            diffIds.append(i > 0 ? "," : "").append('"').append(Digest.sha256(tar)).append('"');
            layerJson.append(i > 0 ? "," : "").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                    + "\"digest\":\"").append(d).append("\",\"size\":").append(gz.length).append('}');
        }
        byte[] config = ("{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/true\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}").getBytes(StandardCharsets.UTF_8);
        Digest c = blob(config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + c + "\",\"size\":" + config.length
                + "},\"layers\":[" + layerJson + "]}").getBytes(StandardCharsets.UTF_8);
        return new Image(blob(manifest), manifest, layerDigests);
    }

    /** An index over images, one per platform. */
    Image index(List<Image> images, List<String> arches) throws IOException {
        StringBuilder entries = new StringBuilder();
        for (int i = 0; i < images.size(); i++) {
            entries.append(i > 0 ? "," : "").append("{\"mediaType\":\"" + MANIFEST + "\",\"digest\":\"")
                    .append(images.get(i).digest()).append("\",\"size\":").append(images.get(i).manifest().length)
                    .append(",\"platform\":{\"architecture\":\"").append(arches.get(i)).append("\",\"os\":\"linux\"}}");
        }
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":[" + entries + "]}")
                .getBytes(StandardCharsets.UTF_8);
        return new Image(blob(index), index, List.of());
    }

    /**
     * An artifact manifest (as signing and SBOM tools push): the empty config, one layer holding
     * {@code payload}, {@code artifactType}, and a {@code subject} pointing at {@code subject}.
     */
    Image artifact(String artifactType, byte[] payload, Image subject) throws IOException {
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        Digest config = blob(empty);
        Digest layer = blob(payload);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\",\"artifactType\":\"" + artifactType
                + "\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + config
                + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.example.payload\",\"digest\":\"" + layer
                + "\",\"size\":" + payload.length + "}],\"subject\":{\"mediaType\":\"" + MANIFEST + "\",\"digest\":\""
                + subject.digest() + "\",\"size\":" + subject.manifest().length
                + "},\"annotations\":{\"org.opencontainers.image.created\":\"2026-11-27T00:00:00Z\"}}")
                .getBytes(StandardCharsets.UTF_8);
        return new Image(blob(manifest), manifest, List.of(layer));
    }

    /** A referrers list as the tag schema holds it: descriptors with artifactType, no platform. */
    Image referrersIndex(Image artifact, String artifactType) throws IOException {
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":[{\"mediaType\":\"" + MANIFEST
                + "\",\"digest\":\"" + artifact.digest() + "\",\"size\":" + artifact.manifest().length
                + ",\"artifactType\":\"" + artifactType + "\"}]}").getBytes(StandardCharsets.UTF_8);
        return new Image(blob(index), index, List.of());
    }

    /** Names {@code image} as {@code ref} in index.json (the layout's tag). */
    void tag(Image image, String mediaType, String ref) throws IOException {
        refs.add("{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + image.digest() + "\",\"size\":"
                + image.manifest().length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + ref + "\"}}");
        Files.writeString(root.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + String.join(",", refs) + "]}");
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    /** A POSIX ustar archive with one regular file. */
    static byte[] tar(String name, byte[] content) {
        byte[] header = new byte[512];
        put(header, 0, name, 100);
        put(header, 100, "0000644", 8);
        put(header, 108, "0000000", 8);
        put(header, 116, "0000000", 8);
        put(header, 124, String.format("%011o", content.length), 12);
        put(header, 136, String.format("%011o", 1_700_000_000L), 12);
        header[156] = '0';
        put(header, 257, "ustar", 6);
        put(header, 263, "00", 2);
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum), 7);
        int padded = (content.length + 511) / 512 * 512;
        byte[] tar = new byte[512 + padded + 1024]; // two zero blocks end the archive
        System.arraycopy(header, 0, tar, 0, 512);
        System.arraycopy(content, 0, tar, 512, content.length);
        return tar;
    }

    private static void put(byte[] header, int offset, String value, int width) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, width));
    }
}
