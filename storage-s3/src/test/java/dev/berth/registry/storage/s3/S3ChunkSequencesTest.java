// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Registry;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import dev.berth.registry.tck.RegistryHttp;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OCI-Chunk-Min-Length is advice: every chunk sequence a client may send must commit, on a
 * server that enforces S3's rule that every part but the last holds 5 MiB or more.
 */
class S3ChunkSequencesTest {
    private static final int MIB = 1 << 20;
    private static S3TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.shared();
    }

    /** The sequences outside runs found failing, then random ones from 1 B to 20 MiB (fixed seed). */
    static Stream<Arguments> sequences() {
        List<Arguments> all = new ArrayList<>(List.of(
                Arguments.of(List.of(1, 5 * MIB)), Arguments.of(List.of(MIB, 5 * MIB)),
                Arguments.of(List.of(MIB, 6 * MIB)), Arguments.of(List.of(300_000, 7 * MIB)),
                Arguments.of(List.of(1, 5 * MIB, 1, 8 * MIB + 1))));
        int[] sizes = {1, 1000, 300_000, MIB, 5 * MIB - 1, 5 * MIB, 5 * MIB + 1, 6 * MIB, 8 * MIB - 1, 8 * MIB,
                8 * MIB + 1, 13 * MIB, 20 * MIB};
        Random random = new Random(20261201);
        for (int i = 0; i < 10; i++) {
            List<Integer> chunks = new ArrayList<>();
            int n = 2 + random.nextInt(3);
            for (int c = 0; c < n; c++) {
                chunks.add(sizes[random.nextInt(sizes.length)]);
            }
            all.add(Arguments.of(chunks));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "chunks {0}")
    @MethodSource("sequences")
    @DisplayName("PATCH chunks of any sizes, then PUT: 201 and the exact bytes")
    void everySequenceCommits(List<Integer> chunks) throws Exception {
        Random random = new Random(chunks.hashCode());
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        try (Storage storage = StorageProvider.named("s3").open(StorageConfig.of(
                server.settings("chunks-" + UUID.randomUUID())));
             RegistryHttp http = RegistryHttp.serve(Registry.builder().storage(storage).build())) {
            HttpResponse<byte[]> started = http.client().send("POST", "/v2/chunks/app/blobs/uploads/", new byte[0]);
            assertEquals(202, started.statusCode());
            String location = started.headers().firstValue("Location").orElseThrow();
            long offset = 0;
            for (int size : chunks) {
                byte[] chunk = new byte[size];
                random.nextBytes(chunk);
                whole.write(chunk);
                HttpResponse<byte[]> patch = http.client().send("PATCH", location, chunk, "Content-Range",
                        offset + "-" + (offset + size - 1), "Content-Type", "application/octet-stream");
                assertEquals(202, patch.statusCode(), "chunk of " + size + ": " + new String(patch.body()));
                location = patch.headers().firstValue("Location").orElseThrow();
                offset += size;
            }
            byte[] content = whole.toByteArray();
            Digest digest = Digest.sha256(content);
            HttpResponse<byte[]> put = http.client().send("PUT", location + (location.contains("?") ? "&" : "?")
                    + "digest=" + digest, new byte[0]);
            assertEquals(201, put.statusCode(), "commit after " + chunks + ": " + new String(put.body()));
            byte[] pulled = http.client().send("GET", "/v2/chunks/app/blobs/" + digest, new byte[0]).body();
            assertEquals(content.length, pulled.length);
            assertEquals(digest, Digest.sha256(pulled), "the committed blob is the chunks in order");
        }
    }
}
