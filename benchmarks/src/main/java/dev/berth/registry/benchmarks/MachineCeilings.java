// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What this machine allows a registry's blob paths, without any registry: bare Java loops over
 * loopback TCP, each the least work its path needs, so Berth's figures can be read against them.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.berth.registry.benchmarks.MachineCeilings [MiB] [DIR]
 * </pre>
 *
 * Upload (the client sends a cached file with {@code sendfile}, as the bench harness does; the
 * receiver writes what arrives to a file and fdatasyncs it at the end): without hashing, hashing
 * a heap copy (what a servlet stream gives), hashing the direct buffer in place. Download (the
 * receiver discards into a 1 MiB direct buffer): 4 MiB {@code read}/{@code write} through a
 * direct buffer, {@code FileChannel.transferTo} ({@code sendfile}), writing a mapping of the
 * file. Prints the median of four runs of each, in MB/s (10^6 bytes).
 */
public final class MachineCeilings {
    private static final int RUNS = 4;

    private MachineCeilings() {
    }

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 512;
        Path dir = Files.createTempDirectory(Path.of(args.length > 1 ? args[1] : "/tmp"), "berth-ceilings");
        Path blob = dir.resolve("blob");
        Path received = dir.resolve("received");
        try {
            writeRandom(blob, mib << 20);
            for (String mode : List.of("upload-no-hash", "upload-hash-heap-copy", "upload-hash-direct")) {
                report(mode, () -> upload(blob, received, mode));
            }
            for (String mode : List.of("download-read-write", "download-sendfile", "download-mapped")) {
                report(mode, () -> download(blob, mode));
            }
        } finally {
            Files.deleteIfExists(blob);
            Files.deleteIfExists(received);
            Files.deleteIfExists(dir);
        }
    }

    private interface Run {
        double megabytesPerSecond() throws Exception;
    }

    private static void report(String mode, Run run) throws Exception {
        run.megabytesPerSecond(); // warm-up
        List<Double> results = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            results.add(run.megabytesPerSecond());
        }
        Collections.sort(results);
        double median = (results.get(RUNS / 2 - 1) + results.get(RUNS / 2)) / 2;
        System.out.printf(Locale.ROOT, "%-24s %6.0f MB/s  (runs %s)%n", mode, median,
                results.stream().map(r -> String.format(Locale.ROOT, "%.0f", r)).toList());
    }

    private static void writeRandom(Path file, long size) throws IOException {
        byte[] chunk = new byte[1 << 20];
        SplittableRandom random = new SplittableRandom(1);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (long written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(ByteBuffer.wrap(chunk));
            }
        }
    }

    private static double upload(Path blob, Path received, String mode) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            long size = Files.size(blob);
            Thread sender = new Thread(() -> {
                try (FileChannel file = FileChannel.open(blob);
                     SocketChannel socket = SocketChannel.open(server.getLocalAddress())) {
                    for (long sent = 0; sent < size; ) {
                        sent += file.transferTo(sent, size - sent, socket);
                    }
                    socket.shutdownOutput();
                    socket.read(ByteBuffer.allocate(1)); // until the receiver has synced
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            sender.start();
            try (SocketChannel socket = server.accept();
                 FileChannel out = FileChannel.open(received, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING)) {
                long start = System.nanoTime();
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
                byte[] heap = new byte[in.capacity()];
                ByteBuffer heapView = ByteBuffer.wrap(heap);
                long got = 0;
                while (socket.read(in) >= 0) {
                    in.flip();
                    got += in.remaining();
                    switch (mode) {
                        case "upload-no-hash" -> writeFully(out, in);
                        case "upload-hash-heap-copy" -> {
                            int n = in.remaining();
                            in.get(heap, 0, n);
                            sha.update(heap, 0, n);
                            writeFully(out, heapView.clear().limit(n));
                        }
                        default -> {
                            sha.update(in.duplicate());
                            writeFully(out, in);
                        }
                    }
                    in.clear();
                }
                out.force(false);
                sha.digest();
                socket.write(ByteBuffer.wrap(new byte[] {1}));
                double seconds = (System.nanoTime() - start) / 1e9;
                sender.join();
                if (got != size) {
                    throw new IllegalStateException("received " + got + " of " + size + " bytes");
                }
                return size / seconds / 1e6;
            }
        }
    }

    private static double download(Path blob, String mode) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            long size = Files.size(blob);
            Thread sender = new Thread(() -> {
                try (SocketChannel socket = server.accept(); FileChannel file = FileChannel.open(blob)) {
                    switch (mode) {
                        case "download-sendfile" -> {
                            for (long sent = 0; sent < size; ) {
                                sent += file.transferTo(sent, size - sent, socket);
                            }
                        }
                        case "download-mapped" -> writeFully(socket, file.map(FileChannel.MapMode.READ_ONLY, 0, size));
                        default -> {
                            ByteBuffer buffer = ByteBuffer.allocateDirect(4 * 1024 * 1024);
                            for (long position = 0; position < size; ) {
                                buffer.clear();
                                int n = file.read(buffer, position);
                                position += n;
                                writeFully(socket, buffer.flip());
                            }
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            sender.start();
            try (SocketChannel socket = SocketChannel.open(server.getLocalAddress())) {
                long start = System.nanoTime();
                ByteBuffer sink = ByteBuffer.allocateDirect(1 << 20);
                long got = 0;
                while (got < size) {
                    int n = socket.read(sink.clear());
                    if (n < 0) {
                        throw new IllegalStateException("connection ended after " + got + " bytes");
                    }
                    got += n;
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                sender.join();
                return size / seconds / 1e6;
            }
        }
    }

    private static void writeFully(java.nio.channels.WritableByteChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
