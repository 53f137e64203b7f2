// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/** Test content: seeded random bytes, streams that are generated rather than held, and manifests. */
final class Content {
    private Content() {
    }

    static byte[] random(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** {@code size} pseudo-random bytes generated on the fly: hundreds of MiB cost no heap. */
    static InputStream generated(long seed, long size) {
        return new InputStream() {
            private final SplittableRandom random = new SplittableRandom(seed);
            private long remaining = size;

            @Override
            public int read() {
                if (remaining == 0) {
                    return -1;
                }
                remaining--;
                return random.nextInt(256);
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (remaining == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, remaining);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) random.nextInt(256);
                }
                remaining -= n;
                return n;
            }
        };
    }

    /** A descriptor's JSON. */
    static String descriptor(String mediaType, Digest digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    /** An OCI image manifest over a config blob and layer blobs (each given as digest and size). */
    static byte[] imageManifest(Digest config, long configSize, List<Digest> layers, List<Long> sizes) {
        return imageManifest(config, configSize, layers, sizes, "");
    }

    /** Same, with extra top-level JSON members appended verbatim (e.g. {@code ,"subject":{…}}). */
    static byte[] imageManifest(Digest config, long configSize, List<Digest> layers, List<Long> sizes, String extra) {
        StringBuilder layersJson = new StringBuilder();
        for (int i = 0; i < layers.size(); i++) {
            if (i > 0) {
                layersJson.append(',');
            }
            layersJson.append(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layers.get(i), sizes.get(i)));
        }
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":"
                + descriptor("application/vnd.oci.image.config.v1+json", config, configSize)
                + ",\"layers\":[" + layersJson + "]" + extra + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** An OCI image index over manifests (digest and size each). */
    static byte[] index(List<Digest> manifests, List<Long> sizes, String mediaTypeOfChildren) {
        String children = java.util.stream.IntStream.range(0, manifests.size())
                .mapToObj(i -> descriptor(mediaTypeOfChildren, manifests.get(i), sizes.get(i)))
                .collect(Collectors.joining(","));
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_INDEX + "\",\"manifests\":[" + children + "]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** {@code content} that fails with an I/O error after {@code good} bytes, as a client whose connection resets. */
    static java.io.InputStream failingAfter(byte[] content, int good) {
        return new java.io.InputStream() {
            private int served;

            @Override
            public int read() throws java.io.IOException {
                if (served >= good) {
                    throw new java.io.IOException("connection reset (simulated client failure)");
                }
                return content[served++] & 0xff;
            }
        };
    }
}
