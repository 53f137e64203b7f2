// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.Registry;
import dev.berth.registry.jetty.BerthServer;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.BlobStatHandler;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import dev.berth.registry.tck.HttpTester;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of a caching server in the middle of a download from its upstream. */
class MirrorCrashIT {
    @TempDir
    Path dir;

    /** Memory blobs whose downloads stop after the first MiB until the gate opens: an upstream caught mid-send. */
    private static final class HeldBlobs implements BlobPutHandler, BlobStatHandler {
        private final BlobPutHandler memory;
        private final CountDownLatch gate = new CountDownLatch(1);

        HeldBlobs() throws IOException {
            memory = (BlobPutHandler) StorageProvider.named("memory").open(StorageConfig.empty()).blobs();
        }

        @Override
        public void put(Repository repo, Digest digest, InputStream content) throws IOException {
            memory.put(repo, digest, content);
        }

        @Override
        public long stat(Repository repo, Digest digest) throws IOException {
            return ((BlobStatHandler) memory).stat(repo, digest);
        }

        @Override
        public InputStream get(Repository repo, Digest digest) throws IOException {
            return new FilterInputStream(memory.get(repo, digest)) {
                private long sent;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (sent >= 1 << 20) {
                        try {
                            gate.await();
                        } catch (InterruptedException e) {
                            throw new java.io.InterruptedIOException();
                        }
                    }
                    int n = super.read(b, off, sent < 1 << 20 ? (int) Math.min(len, (1 << 20) - sent) : len);
                    sent += Math.max(n, 0);
                    return n;
                }
            };
        }
    }

    @Test
    void killedMidFetchLeavesNoPartialBlob() throws Exception {
        HeldBlobs held = new HeldBlobs();
        try (BerthServer upstream = BerthServer.start(Registry.builder().blobHandler(held).build())) {
            URI up = URI.create("http://127.0.0.1:" + upstream.port() + "/");
            byte[] content = new byte[8 << 20];
            new java.util.Random(11).nextBytes(content);
            Digest digest = new HttpTester(up).pushBlob("team/app", content);
            Path data = dir.resolve("data");
            String path = "/v2/up/team/app/blobs/" + digest;
            ServerProcess mirror = ServerProcess.start(List.of(), "--data-dir", data.toString(), "--mirror",
                    "up=" + up);
            try (Socket client = new Socket(mirror.uri().getHost(), mirror.uri().getPort())) {
                client.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes());
                InputStream in = client.getInputStream();
                assertTrue(new String(in.readNBytes(12)).startsWith("HTTP/1.1 200"));
                in.readNBytes(256 * 1024); // the mirror is mid-download: the upstream holds the rest
                mirror.kill9();
            } finally {
                mirror.close();
            }
            try (ServerProcess plain = ServerProcess.start(List.of(), "--data-dir", data.toString())) {
                HttpTester after = new HttpTester(plain.uri());
                assertEquals(404, after.head(path).statusCode(), "no partial blob is visible after the restart");
            }
            held.gate.countDown();
            try (ServerProcess again = ServerProcess.start(List.of(), "--data-dir", data.toString(), "--mirror",
                    "up=" + up)) {
                HttpTester through = new HttpTester(again.uri());
                assertArrayEquals(content, through.get(path).body(), "fetched again, whole");
                assertEquals(200, through.head(path).statusCode());
            }
        }
    }
}
