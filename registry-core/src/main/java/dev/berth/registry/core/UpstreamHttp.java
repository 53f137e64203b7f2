// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;

/**
 * One HTTP exchange with an upstream, on the JDK's {@code HttpURLConnection}: it reads bodies on
 * the caller's thread straight from the socket (the JDK's {@code HttpClient} hands every chunk
 * over from a selector thread, which made a cold pull through the cache about twice as slow),
 * times out each read natively, and keeps connections alive between exchanges.
 */
final class UpstreamHttp {
    private UpstreamHttp() {
    }

    /** An answer: its status, headers and body (for any status: close it to give the connection back). */
    record Response(HttpURLConnection connection, int status, InputStream body) implements AutoCloseable {
        Optional<String> header(String name) {
            return Optional.ofNullable(connection.getHeaderField(name));
        }

        long contentLength() {
            return connection.getContentLengthLong();
        }

        /** Reads what is left (so the connection can be reused) and closes. */
        void discard() throws IOException {
            try (InputStream in = body) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    static Response exchange(Upstream upstream, String method, URI uri, String accept, Optional<String> authorization)
            throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        if (connection instanceof HttpsURLConnection https && upstream.tls().isPresent()) {
            https.setSSLSocketFactory(upstream.tls().get().getSocketFactory());
        }
        int timeout = (int) Math.min(Integer.MAX_VALUE, upstream.timeout().toMillis());
        connection.setConnectTimeout(timeout);
        connection.setReadTimeout(timeout);
        connection.setInstanceFollowRedirects(false); // followed by the caller, which decides about credentials
        connection.setUseCaches(false);
        connection.setRequestMethod(method);
        connection.setRequestProperty("Accept", accept);
        connection.setRequestProperty("User-Agent", "berth-mirror");
        authorization.ifPresent(a -> connection.setRequestProperty("Authorization", a));
        int status = connection.getResponseCode();
        InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        return new Response(connection, status, body != null ? body : InputStream.nullInputStream());
    }
}
