// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One request and its response, with the path parameters the router matched. */
final class Exchange {
    final HttpServletRequest request;
    final HttpServletResponse response;
    private final Map<String, String> pathParams;
    private Map<String, List<String>> query;
    /** Who sent the request, when the registry has access control. */
    Optional<AccessControl.Caller> caller = Optional.empty();
    /** The upstream a blob or manifest GET may be fetched from, when the name is a mirrored one. */
    Optional<MirrorTarget> mirror = Optional.empty();

    Exchange(HttpServletRequest request, HttpServletResponse response, Map<String, String> pathParams) {
        this.request = request;
        this.response = response;
        this.pathParams = pathParams;
    }

    boolean isHead() {
        return "HEAD".equals(request.getMethod());
    }

    String path(String name) {
        return pathParams.get(name);
    }

    /** Reports an event to the registry's listener; a failing listener never fails the request. */
    void emit(RegistryOptions options, RegistryEvent.Type type, Repository repo, Digest digest, List<String> tags,
              String mediaType, long size) {
        try {
            options.events().accept(new RegistryEvent(type, repo, digest, tags, mediaType, size,
                    caller.map(AccessControl.Caller::name).orElse("anonymous"),
                    String.valueOf(request.getAttribute(Router.REQUEST_ID)), java.time.Instant.now()));
        } catch (RuntimeException e) {
            options.logger().log(System.Logger.Level.WARNING, "event listener failed", e);
        }
    }

    /** Whether {@code repo} is in the caller's catalog listing (always, without access control). */
    boolean mayList(Repository repo) {
        return caller.map(c -> c.mayList(repo)).orElse(true);
    }

    /** Whether the caller may pull from {@code repo} (always, without access control). */
    boolean mayPull(Repository repo) {
        return caller.map(c -> c.may(repo, AccessControl.Action.PULL)).orElse(true);
    }

    Repository repository() {
        return Names.repository(path("name"));
    }

    Digest pathDigest(String param) {
        return Names.digest(path(param));
    }

    /** The query parsed by us: the servlet's getParameter would read form bodies. */
    Optional<String> query(String name) {
        List<String> values = queryAll(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    List<String> queryAll(String name) {
        if (query == null) {
            query = parseQuery(request.getQueryString());
        }
        return query.getOrDefault(name, List.of());
    }

    Optional<String> header(String name) {
        return Optional.ofNullable(request.getHeader(name));
    }

    /** Declared body length, or -1 when unknown (chunked transfer). */
    long contentLength() {
        return request.getContentLengthLong();
    }

    /** Whether the request carries a body: a positive or unknown length. */
    boolean hasBody() {
        long length = contentLength();
        return length > 0 || (length < 0 && request.getHeader("Transfer-Encoding") != null);
    }

    InputStream body() throws IOException {
        return request.getInputStream();
    }

    void header(String name, String value) {
        response.setHeader(name, value);
    }

    /** A response without content. */
    void status(int status) {
        response.setStatus(status);
        response.setContentLength(0);
    }

    /** A JSON response; HEAD gets the headers only. */
    void json(int status, String contentType, JsonNode node) throws IOException {
        byte[] bytes = Json.MAPPER.writeValueAsBytes(node);
        bytes(status, contentType, bytes);
    }

    void bytes(int status, String contentType, byte[] bytes) throws IOException {
        response.setStatus(status);
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        if (!isHead()) {
            response.getOutputStream().write(bytes);
        }
    }

    private static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return result;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq >= 0 ? pair.substring(0, eq) : pair;
            String value = eq >= 0 ? pair.substring(eq + 1) : "";
            try {
                key = URLDecoder.decode(key, StandardCharsets.UTF_8);
                value = URLDecoder.decode(value, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new RegistryException(ErrorCode.UNSUPPORTED, 400, "malformed query string", null);
            }
            result.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return result;
    }
}
