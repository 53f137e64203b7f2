// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.tck.HttpTester;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corners the OCI conformance suite and black-box runs probe, against the packaged server. */
class ProtocolCornersIT {
    @TempDir
    Path dir;

    private static String raw(ServerProcess server, String path) throws Exception {
        try (Socket socket = RawHttp.connect(server.uri())) {
            RawHttp.write(socket.getOutputStream(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    @DisplayName("%00 in a name is 400 NAME_INVALID like %20; a backwards range 416; an invalid last is a position; a wrong layer size 400")
    void corners() throws Exception {
        try (ServerProcess server = ServerProcess.start(List.of(), "-d", dir.resolve("data").toString())) {
            for (String path : List.of("/v2/a%00b/tags/list", "/v2/a%20b/tags/list", "/v2/a%00/manifests/x")) {
                String answer = raw(server, path);
                assertTrue(answer.startsWith("HTTP/1.1 400"), path + ": " + answer);
                assertTrue(answer.contains("\"code\":\"NAME_INVALID\""), path + ": " + answer);
            }

            byte[] blob = new byte[2048];
            Digest digest = new HttpTester(server.uri()).pushBlob("corners/app", blob);
            HttpResponse<byte[]> backwards = new HttpTester(server.uri()).send("GET", "/v2/corners/app/blobs/" + digest, (byte[]) null,
                    "Range", "bytes=500-0");
            assertEquals(416, backwards.statusCode());
            assertEquals("bytes */2048", backwards.headers().firstValue("Content-Range").orElse(""));

            new HttpTester(server.uri()).pushImage("corners/app", "v1", blob);
            for (String last : List.of("%21", "Not_A_Valid_Name", "v0~")) {
                HttpResponse<byte[]> tags = new HttpTester(server.uri()).get("/v2/corners/app/tags/list?last=" + last);
                assertEquals(200, tags.statusCode(), last + ": " + new String(tags.body(), StandardCharsets.UTF_8));
                HttpResponse<byte[]> catalog = new HttpTester(server.uri()).get("/v2/_catalog?last=" + last);
                assertEquals(200, catalog.statusCode(), last);
            }

            String manifest = new String(new HttpTester(server.uri()).pushImage("corners/app", "v2", blob), StandardCharsets.UTF_8)
                    .replace("\"size\":2048", "\"size\":2049");
            HttpResponse<byte[]> wrongSize = new HttpTester(server.uri()).send("PUT", "/v2/corners/app/manifests/v3",
                    manifest.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/vnd.oci.image.manifest.v1+json");
            assertEquals(400, wrongSize.statusCode());
            String error = new String(wrongSize.body(), StandardCharsets.UTF_8);
            assertTrue(error.contains("MANIFEST_INVALID") && error.contains("layers[0]"), error);
        }
    }
}
