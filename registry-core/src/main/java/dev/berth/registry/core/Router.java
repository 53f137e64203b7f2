// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.core.testing.DroppedConnection;
import dev.berth.registry.core.testing.Faults;
import dev.berth.registry.core.testing.Journal;
import dev.berth.registry.spi.DigestMismatchException;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.RedirectException;
import dev.berth.registry.spi.SizeMismatchException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Matches requests to routes and is the only writer of {@code {"errors":[…]}}. Around the
 * matched route, in this order: the request gets an id ({@link RequestIds}) and maybe a test
 * warning; the route is matched; test faults apply; the caller is authenticated and authorized
 * ({@link Authorization}), and writes are refused in read-only mode; the route runs. Its
 * {@link RequestRecord} (log line, journal) is written when the request ends, whatever happened.
 */
final class Router {
    private final List<Route> routes;
    private final RegistryOptions options;

    Router(RegistryOptions options, Blobs blobs, Uploads uploads, Manifests manifests, Listings listings) {
        this.options = options;
        Map<String, Route.Handler> handlers = Map.ofEntries(
                Map.entry("end-1", Router::base), Map.entry("catalog", listings::catalog),
                Map.entry("end-4", uploads::start), Map.entry("end-13", uploads::status),
                Map.entry("end-5", uploads::append), Map.entry("end-6", uploads::finish),
                Map.entry("end-14", uploads::cancel), Map.entry("end-2", blobs::get),
                Map.entry("end-10", blobs::delete), Map.entry("end-3", manifests::get),
                Map.entry("end-7", manifests::put), Map.entry("end-9", manifests::delete),
                Map.entry("end-8", listings::tags), Map.entry("end-12", listings::referrers));
        if (!handlers.keySet().equals(new java.util.HashSet<>(Registry.routeIds()))) {
            throw new IllegalStateException("the route table and its handlers must name the same routes");
        }
        this.routes = RouteTable.ROWS.stream().map(row -> Route.of(row, handlers.get(row.id()))).toList();
    }

    private static void base(Exchange exchange) throws IOException {
        exchange.bytes(200, "application/json", new byte[] {'{', '}'});
    }

    void service(HttpServletRequest original, HttpServletResponse response) throws IOException {
        RequestRecord record = new RequestRecord(options, original);
        Dispatch dispatch = new Dispatch(response);
        Journal.Outcome outcome = Journal.Outcome.COMPLETE;
        try {
            handle(record.request(), dispatch);
        } catch (IOException | RuntimeException e) {
            // the host closes the connection: the client got the headers and part of the body, or nothing
            outcome = dispatch.response.isCommitted() ? Journal.Outcome.TRUNCATED : Journal.Outcome.DROPPED;
            throw e;
        } finally {
            record.end(dispatch, outcome);
        }
    }

    /** Request attributes a host's access log and metrics read. */
    static final String ROUTE = "berth.route";
    static final String REPOSITORY = "berth.repository";
    static final String USER = "berth.user";
    static final String REQUEST_ID = "berth.requestId";

    private void handle(HttpServletRequest request, Dispatch dispatch) throws IOException {
        HttpServletResponse response = dispatch.response;
        response.setHeader("Docker-Distribution-API-Version", "registry/2.0");
        RequestIds.assign(request, response);
        options.warnings().apply(response);
        Route matched = null;
        Optional<MirrorTarget> mirror = Optional.empty();
        try {
            String path = rawPath(request);
            String method = request.getMethod();
            TreeSet<String> allowed = new TreeSet<>();
            for (Route route : routes) {
                Optional<Map<String, String>> params = route.match(path);
                if (params.isEmpty()) {
                    continue;
                }
                if (route.methods().contains(method)) {
                    matched = route;
                    dispatch.route = route;
                    dispatch.params = params.get();
                    mirror = mirrored(request, route, dispatch);
                    response = Faults.apply(options.faults(), route.id(), method,
                            Optional.ofNullable(params.get().get("name")), response);
                    dispatch.response = response;
                    break;
                }
                allowed.addAll(route.methods());
            }
            if (matched == null) {
                if (!allowed.isEmpty()) {
                    response.setHeader("Allow", String.join(", ", allowed));
                    throw new RegistryException(ErrorCode.UNSUPPORTED, 405,
                            method + " is not allowed here; allowed: " + allowed, null);
                }
                if (path.equals("/v2")) {
                    response.setHeader("Location", "/v2/");
                }
                throw new RegistryException(ErrorCode.UNSUPPORTED, 404, "no such endpoint: " + method + " "
                        + printable(path), null);
            }
            Exchange exchange = new Exchange(request, response, dispatch.params);
            String routeId = matched.id();
            exchange.mirror = mirror.filter(m -> List.of("end-2", "end-3", "end-12").contains(routeId));
            request.setAttribute(ROUTE, matched.id());
            if (dispatch.params.containsKey("name")) {
                request.setAttribute(REPOSITORY, dispatch.params.get("name"));
            }
            if (options.access().isPresent()) {
                exchange.caller = Optional.of(Authorization.check(options.access().get(), request, matched, exchange));
                dispatch.caller = exchange.caller.get().name();
                request.setAttribute(USER, dispatch.caller);
            }
            Authorization.refuseWritesWhenReadOnly(options.readOnly().get(), matched);
            matched.handler().handle(exchange);
        } catch (DroppedConnection e) {
            throw e; // the host closes the connection
        } catch (RegistryException e) {
            writeError(request, response, e);
        } catch (NotFoundException e) {
            ErrorCode code = matched == null ? ErrorCode.NAME_UNKNOWN : matched.notFound();
            writeError(request, response, new RegistryException(code, e.getMessage()));
        } catch (DigestMismatchException e) {
            writeError(request, response, new RegistryException(ErrorCode.DIGEST_INVALID, e.getMessage()));
        } catch (SizeMismatchException e) {
            writeError(request, response, new RegistryException(ErrorCode.SIZE_INVALID, e.getMessage()));
        } catch (RedirectException e) {
            if (!response.isCommitted()) {
                response.resetBuffer();
                response.setStatus(e.status());
                response.setHeader("Location", e.location().toString());
                response.setContentLength(0);
            }
        } catch (EOFException e) {
            // the client went away or sent less than it declared: nobody is left to answer
            options.logger().log(Level.DEBUG, () -> "client stream ended early: " + request.getMethod() + " "
                    + request.getRequestURI() + ": " + e);
            throw e;
        } catch (IOException | RuntimeException e) {
            Optional<String> full = storageFull(e);
            if (full.isPresent()) { // one line, not a stack trace per failed write of a full disk
                request.setAttribute(STORAGE_FULL, Boolean.TRUE);
                options.logger().log(Level.ERROR, "storage full: " + request.getMethod() + " " + request.getRequestURI()
                        + " stored nothing: " + full.get());
            } else {
                options.logger().log(Level.ERROR, "failed: " + request.getMethod() + " " + request.getRequestURI(), e);
            }
            if (response.isCommitted()) {
                throw e; // mid-body: abort the connection so the client sees a short read, not a bad blob
            }
            writeError(request, response, full.isPresent()
                    ? new RegistryException(ErrorCode.UNKNOWN, 507, "the registry's storage is full: nothing was"
                            + " stored; retry once space is freed", null)
                    : new RegistryException(ErrorCode.UNKNOWN, 500, "internal error; the server log has the details",
                            null));
        }
    }

    /**
     * The mirror a request's name means. A name under an upstream's namespace (by prefix or
     * containerd's {@code ?ns=}) is rewritten to the cached repository, so that access rules,
     * logs and the journal see what is stored; pushes there are refused. A plain name stays as
     * it is: pushed repositories come first, the default upstream after them.
     */
    private Optional<MirrorTarget> mirrored(HttpServletRequest request, Route route, Dispatch dispatch) {
        String name = dispatch.params.get("name");
        if (name == null || options.mirrors().isEmpty()) {
            return Optional.empty();
        }
        Optional<MirrorTarget> target = options.mirrors().resolve(name, namespace(request));
        if (target.isEmpty() || target.get().mode() == MirrorTarget.Mode.DEFAULT) {
            return target;
        }
        if (route.access().action().filter(a -> a == AccessControl.Action.PUSH).isPresent()) {
            throw new RegistryException(ErrorCode.DENIED, target.get().local() + " is a cache of "
                    + target.get().upstream().url() + " (" + target.get().upstream().name()
                    + "): it takes no pushes; push under a name outside " + target.get().upstream().name() + "/");
        }
        java.util.Map<String, String> params = new java.util.HashMap<>(dispatch.params);
        params.put("name", target.get().local().name());
        dispatch.params = Map.copyOf(params);
        return target;
    }

    /** containerd's {@code ns} query parameter: the registry a mirror request is meant for. */
    private static Optional<String> namespace(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query == null || !query.contains("ns=")) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("ns=")) {
                return Optional.of(java.net.URLDecoder.decode(pair.substring(3), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** Set on a request that failed because the storage had no space left (hosts count it). */
    static final String STORAGE_FULL = "berth.storageFull";

    /** The message of the "no space left" failure (ENOSPC, EDQUOT) behind {@code e}, if that is what it is. */
    private static Optional<String> storageFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (t instanceof IOException && message != null
                    && (message.contains("No space left on device") || message.contains("Disk quota exceeded"))) {
                return Optional.of(message);
            }
        }
        return Optional.empty();
    }

    /** The path as sent, undecoded: a name is never reinterpreted by decoding or cleaning. */
    private static String rawPath(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String path = context.isEmpty() ? uri : uri.substring(context.length());
        if (path.indexOf('%') >= 0 || path.contains("//") || path.contains("/./") || path.contains("/../")
                || path.endsWith("/..") || path.endsWith("/.") || path.indexOf('\\') >= 0 || path.indexOf(';') >= 0) {
            throw new RegistryException(ErrorCode.NAME_INVALID,
                    "path must not hold encoded characters, empty, '.' or '..' segments: " + printable(path));
        }
        return path;
    }

    static void writeError(HttpServletRequest request, HttpServletResponse response, RegistryException e) throws IOException {
        if (response.isCommitted()) {
            throw new IOException("response already committed; cannot report " + e.code() + ": " + e.getMessage());
        }
        response.resetBuffer();
        ObjectNode error = Json.MAPPER.createObjectNode();
        error.put("code", e.code().name());
        error.put("message", e.getMessage() == null ? "" : e.getMessage());
        if (e.detail() != null) {
            error.set("detail", Json.MAPPER.valueToTree(e.detail()));
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode errors = body.putArray("errors");
        errors.add(error);
        byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
        response.setStatus(e.status());
        e.headers().forEach(response::setHeader);
        if (!RefusedBodies.drain(request)) {
            // a large body refused unread: the connection cannot be reused, so say so rather
            // than let the client send its next request on a connection that is about to close
            response.setHeader("Connection", "close");
        }
        response.setHeader("Content-Type", "application/json");
        response.setContentLength(bytes.length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(bytes);
        }
    }

    static String printable(String s) {
        String cut = s.length() > 200 ? s.substring(0, 200) + "…" : s;
        return cut.replaceAll("[\\p{Cntrl}]", "?");
    }
}
