// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Requests written by hand on a socket, for what an HTTP client will not send: trickled headers, bodies in pieces. */
final class RawHttp {
    private RawHttp() {
    }

    /** A raw connection, for requests a test sends in pieces. */
    static Socket connect(URI base) throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setSoTimeout(60_000);
        return socket;
    }

    static void write(OutputStream out, String head) throws IOException {
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads the status line of a response. */
    static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString().trim();
    }
}
