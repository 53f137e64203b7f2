// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client trickling its headers is cut off at --header-timeout; an idle keep-alive connection is not. */
class SlowHeadersIT {
    @TempDir
    Path dir;

    /** Whether the server closed the connection: a read that ends rather than times out. */
    private static boolean closedByServer(Socket socket) throws Exception {
        socket.setSoTimeout(200);
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException e) {
            return true; // reset
        }
    }

    @Test
    @DisplayName("headers at 4 bytes/s: closed after the 2 s deadline; a keep-alive connection idle for 4 s still works")
    void trickledHeadersAreCutOff() throws Exception {
        try (ServerProcess server = ServerProcess.start(List.of(), "--header-timeout", "2s",
                "-d", dir.resolve("data").toString())) {
            long started = System.nanoTime();
            boolean closed = false;
            try (Socket socket = RawHttp.connect(server.uri())) {
                OutputStream out = socket.getOutputStream();
                RawHttp.write(out, "GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
                for (int i = 0; i < 60 && !closed; i++) { // 15 s at most
                    try {
                        out.write('a');
                        out.flush();
                    } catch (java.io.IOException e) {
                        closed = true;
                        break;
                    }
                    closed = closedByServer(socket); // also waits 200 ms
                    Thread.sleep(50);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertTrue(closed, "the server kept a trickling client for 15 s");
            assertTrue(seconds >= 1.5, "not before the deadline: " + seconds + " s");

            try (Socket keepAlive = RawHttp.connect(server.uri())) {
                OutputStream out = keepAlive.getOutputStream();
                InputStream in = keepAlive.getInputStream();
                for (int request = 0; request < 2; request++) {
                    RawHttp.write(out, "GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    assertEquals("HTTP/1.1 200 OK", RawHttp.statusLine(in), "request " + request);
                    readRest(in);
                    if (request == 0) {
                        Thread.sleep(4000); // idle between requests, twice the header deadline
                    }
                }
            }
        }
    }

    /** Reads the rest of a small response: headers, then its Content-Length body. */
    private static void readRest(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new AssertionError("closed mid-answer");
            }
            head.append((char) c);
        }
        String length = head.toString().lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .findFirst().orElse("content-length: 0");
        in.readNBytes(Integer.parseInt(length.substring(15).trim()));
    }
}
