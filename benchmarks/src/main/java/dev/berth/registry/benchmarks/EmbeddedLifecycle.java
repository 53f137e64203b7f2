// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.benchmarks;

import dev.berth.registry.core.Registry;
import dev.berth.registry.jetty.BerthServer;
import dev.berth.registry.junit.TestRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How long a test pays for its registry: start, then close while clients still hold idle
 * keep-alive connections (one answered {@code GET /v2/} each), medians over many rounds after a
 * warm-up. Runs registry-junit's {@link TestRegistry} and, for comparison, server-jetty's
 * {@code BerthServer.start(registry)} (which lets idle connections linger up to a second).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.berth.registry.benchmarks.EmbeddedLifecycle [rounds] [connections]</pre>
 */
public final class EmbeddedLifecycle {
    private EmbeddedLifecycle() {
    }

    private interface Started extends AutoCloseable {
        int port();

        @Override
        void close() throws IOException;
    }

    private interface Starter {
        Started start() throws IOException;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Starter testRegistry = () -> {
            TestRegistry r = TestRegistry.start();
            return new Started() {
                public int port() {
                    return r.port();
                }

                public void close() throws IOException {
                    r.close();
                }
            };
        };
        Starter hosting = () -> {
            BerthServer s = BerthServer.start(Registry.builder().build());
            return new Started() {
                public int port() {
                    return s.port();
                }

                public void close() throws IOException {
                    s.close();
                }
            };
        };
        System.out.printf("%d rounds, %d idle keep-alive connections each, after %d warm-up rounds%n",
                rounds, connections, rounds / 4);
        run("TestRegistry (registry-junit)", testRegistry, rounds, connections);
        run("BerthServer.start (server-jetty)", hosting, Math.max(5, rounds / 20), connections);
    }

    private static void run(String name, Starter starter, int rounds, int connections) throws Exception {
        for (int i = 0; i < rounds / 4; i++) {
            once(starter, connections);
        }
        double[] starts = new double[rounds];
        double[] closes = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            double[] t = once(starter, connections);
            starts[i] = t[0];
            closes[i] = t[1];
        }
        System.out.printf("%-34s start median %6.2f ms p90 %6.2f ms | close median %7.2f ms p90 %7.2f ms%n", name,
                percentile(starts, 50), percentile(starts, 90), percentile(closes, 50), percentile(closes, 90));
    }

    /** One round: {start ms, close ms}. */
    private static double[] once(Starter starter, int connections) throws Exception {
        long t0 = System.nanoTime();
        Started server = starter.start();
        long t1 = System.nanoTime();
        List<Socket> idle = new ArrayList<>();
        try {
            for (int c = 0; c < connections; c++) {
                idle.add(answeredKeepAlive(server.port()));
            }
            long t2 = System.nanoTime();
            server.close();
            long t3 = System.nanoTime();
            return new double[] {(t1 - t0) / 1e6, (t3 - t2) / 1e6};
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }

    /** A connection that sent GET /v2/, read the whole answer, and stays open. */
    private static Socket answeredKeepAlive(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the answer");
            }
            head.append((char) b);
        }
        String lengthLine = head.toString().lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .findFirst().orElseThrow();
        in.readNBytes(Integer.parseInt(lengthLine.substring(15).trim()));
        return socket;
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
