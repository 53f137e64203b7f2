// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import dev.berth.registry.api.Digest;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** One request to a {@link TestRegistry} through its own client; headers are name, value, … */
final class Requests {
    private Requests() {
    }

    static HttpResponse<byte[]> send(TestRegistry registry, String method, String path, byte[] body,
                                     String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(registry.uri().resolve(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return registry.httpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Sends one request on a raw connection and reads until the server closes it: what the
     * client got, byte for byte. (The JDK client re-sends a GET whose connection closed early.)
     */
    static String raw(TestRegistry registry, String method, String path, byte[] body) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", registry.port())) {
            socket.setSoTimeout(30_000);
            String head = method + " " + path + " HTTP/1.1\r\nHost: " + registry.host() + "\r\nConnection: close\r\n"
                    + "Content-Length: " + (body == null ? 0 : body.length) + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                socket.getOutputStream().write(body);
            }
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    static Digest pushBlob(TestRegistry registry, String repo, byte[] content) throws IOException, InterruptedException {
        Digest digest = Digest.sha256(content);
        HttpResponse<byte[]> r = send(registry, "POST", "/v2/" + repo + "/blobs/uploads/?digest=" + digest, content);
        if (r.statusCode() != 201) {
            throw new AssertionError("blob push: " + r.statusCode() + " " + text(r));
        }
        return digest;
    }

    static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
