// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static dev.berth.registry.tck.HttpTester.expectError;

import java.net.Socket;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every failure path answers an OCI error; hostile paths are refused, never reinterpreted. */
abstract class ErrorProtocol extends ProtocolContracts {

    @ParameterizedTest(name = "NAME_INVALID for {0}")
    @ValueSource(strings = {"/v2/UPPER/tags/list", "/v2/a..b/tags/list", "/v2/-a/tags/list", "/v2/a_/tags/list",
            "/v2/foo/%2e%2e/bar/tags/list", "/v2/foo%2Fbar/tags/list", "/v2/foo//bar/tags/list",
            "/v2/foo/./bar/tags/list", "/v2/foo/%2E/bar/manifests/x"})
    void hostileNames(String path) throws Exception {
        // raw socket: java.net.URI would normalise some of these paths before sending them
        String response = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 400"), path + " must be refused with 400, got: " + firstLine(response));
        assertTrue(response.contains("\"NAME_INVALID\""), path + " must answer NAME_INVALID, got: " + response);
    }

    @Test
    @DisplayName("a path with .. segments is refused, not resolved to another repository")
    void dotDot() throws Exception {
        String response = raw("GET /v2/foo/../bar/tags/list HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 400"), "got: " + firstLine(response));
    }

    @Test
    @DisplayName("unknown routes and methods answer JSON errors")
    void unknownRoutes() {
        expectError(http.get("/nothing"), 404, "UNSUPPORTED", "unknown path");
        expectError(http.get("/v2/foo/unknown/thing"), 404, "UNSUPPORTED", "unknown endpoint under /v2/");
        expectError(http.send("PATCH", "/v2/foo/manifests/x", java.net.http.HttpRequest.BodyPublishers.noBody()), 405,
                "UNSUPPORTED", "method not allowed");
        expectError(http.post("/v2/", new byte[0]), 405, "UNSUPPORTED", "POST /v2/");
    }

    @Test
    @DisplayName("a name longer than 255 characters is NAME_INVALID")
    void longName() {
        expectError(http.get("/v2/" + "a".repeat(256) + "/tags/list"), 400, "NAME_INVALID", "overlong name");
    }

    private String raw(String request) throws Exception {
        try (Socket socket = new Socket(server.uri().getHost(), server.uri().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String firstLine(String response) {
        int end = response.indexOf('\r');
        return end < 0 ? response : response.substring(0, end);
    }
}
