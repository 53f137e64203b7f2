// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself (headers too large, malformed requests, timeouts) in the OCI
 * error format, so clients never get an HTML page from a registry.
 */
final class JsonErrorHandler extends ErrorHandler {
    static byte[] body(int status, String message) {
        return body(status, switch (status) {
            case 401 -> "UNAUTHORIZED";
            case 403 -> "DENIED";
            case 429 -> "TOOMANYREQUESTS";
            default -> status >= 500 ? "UNKNOWN" : "UNSUPPORTED";
        }, message);
    }

    static byte[] body(int status, String code, String message) {
        String text = message == null || message.isBlank() ? "HTTP " + status : message;
        String escaped = text.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\p{Cntrl}]", "?");
        return ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + escaped + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (code == 400 && illegalPathCharacter(cause)) {
            // Jetty refuses an encoded NUL (%00) while parsing, before the registry sees the path;
            // the registry answers every other encoded character in a name with NAME_INVALID
            response.getHeaders().put("Docker-Distribution-API-Version", "registry/2.0");
            response.write(true, ByteBuffer.wrap(body(code, "NAME_INVALID",
                    "path must not hold encoded characters (an encoded NUL was sent)")), callback);
            return;
        }
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    private static boolean illegalPathCharacter(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Illegal character in path")) {
                return true;
            }
        }
        return false;
    }
}
