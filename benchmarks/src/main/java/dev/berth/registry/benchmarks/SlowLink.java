// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay on loopback that behaves like a wide-area link to {@code target}: every byte
 * arrives {@code oneWayMillis} after it was sent, and each direction carries at most
 * {@code bitsPerSecond}, shared by all connections (one pipe, as an office's uplink is), and a
 * new connection's first bytes wait a round trip more, for its handshake. The kernel's netem
 * would do this, where it is built in ({@code tc qdisc add dev lo root netem} answers "Specified
 * qdisc kind is unknown" on this project's machine).
 */
final class SlowLink implements AutoCloseable {
    private final ServerSocket listener;
    private final URI target;
    private final long oneWayNanos;
    private final double nanosPerByte;
    private final Pipe up = new Pipe();
    private final Pipe down = new Pipe();

    /** When the shared pipe of one direction is free again. */
    private static final class Pipe {
        private long freeAt;

        synchronized long depart(long now, long nanos) {
            freeAt = Math.max(freeAt, now) + nanos;
            return freeAt;
        }
    }

    /** What {@code --upstream-link 10ms,200mbit} says: the one-way delay and the rate. */
    static SlowLink parse(String spec, URI target) throws IOException {
        String[] parts = spec.toLowerCase(Locale.ROOT).split(",");
        long millis = Long.parseLong(parts[0].replace("ms", "").trim());
        double mbit = Double.parseDouble(parts[1].replace("mbit", "").trim());
        return new SlowLink(target, millis, (long) (mbit * 1_000_000));
    }

    SlowLink(URI target, long oneWayMillis, long bitsPerSecond) throws IOException {
        this.target = target;
        this.oneWayNanos = TimeUnit.MILLISECONDS.toNanos(oneWayMillis);
        this.nanosPerByte = 8e9 / bitsPerSecond;
        this.listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "slow-link-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** The target's URI with this link's address in its place. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(target.getHost(), target.getPort()));
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger(2);
                Runnable ended = () -> {
                    if (open.decrementAndGet() == 0) { // both directions delivered their end
                        closeQuietly(client);
                        closeQuietly(server);
                    }
                };
                // a new connection's handshake costs a round trip before its first bytes can cross
                long handshakeDone = System.nanoTime() + 2 * oneWayNanos;
                relay(client, server, up, handshakeDone, ended);
                relay(server, client, down, 0, ended);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Reads {@code from} as fast as it sends, and writes each chunk to {@code to} when the link delivers it. */
    private void relay(Socket from, Socket to, Pipe pipe, long notBefore, Runnable ended) {
        LinkedBlockingQueue<Object[]> inFlight = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                InputStream in = from.getInputStream();
                byte[] buffer = new byte[16 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    long sent = Math.max(System.nanoTime(), notBefore);
                    long arrives = pipe.depart(sent, (long) (n * nanosPerByte)) + oneWayNanos;
                    inFlight.add(new Object[] {arrives, java.util.Arrays.copyOf(buffer, n)});
                }
            } catch (IOException e) {
                // the sender went away: what is in flight still arrives, then the end
            }
            inFlight.add(new Object[] {System.nanoTime() + oneWayNanos, new byte[0]});
        }, "slow-link-read");
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Object[] chunk = inFlight.take();
                    for (long wait; (wait = (long) chunk[0] - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(wait);
                    }
                    byte[] bytes = (byte[]) chunk[1];
                    if (bytes.length == 0) {
                        to.shutdownOutput();
                        break;
                    }
                    out.write(bytes);
                }
            } catch (IOException | InterruptedException e) {
                closeQuietly(from); // a peer vanished: the connection is over both ways
                closeQuietly(to);
            }
            ended.run();
        }, "slow-link-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
