// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Registry;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.gc.CollectableStorage;
import dev.berth.registry.spi.DigestMismatchException;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.RedirectException;
import dev.berth.registry.spi.SizeMismatchException;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.Upload;
import dev.berth.registry.spi.UploadHandler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * Metrics (Micrometer, scraped as Prometheus text from {@code /metrics} on the admin listener)
 * and the access log: one line per request, text or JSON, with request id, user, repository,
 * status, bytes and duration.
 */
public final class Observability {
    private static final ObjectMapper JSON = new ObjectMapper();

    final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /**
     * Histogram buckets of request latency: a dozen fixed bounds per series rather than
     * Micrometer's ~270 percentile buckets, which cost memory per route, method and status.
     */
    private static final java.time.Duration[] LATENCY_BUCKETS = java.util.stream.Stream.of(1, 2, 5, 10, 25, 50, 100,
            250, 500, 1000, 2500, 5000, 10000, 30000).map(java.time.Duration::ofMillis).toArray(java.time.Duration[]::new);

    public Observability() {
        new JvmMemoryMetrics().bindTo(meters);
        new JvmGcMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ClassLoaderMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
    }

    String scrape() {
        return meters.scrape();
    }

    public void bind(Registry registry, ThreadPool jettyThreads) {
        Gauge.builder("berth.uploads.active", registry, Registry::openUploadSessions)
                .description("Upload sessions open in this process").register(meters);
        Gauge.builder("berth.read.only", registry, r -> r.isReadOnly() ? 1 : 0)
                .description("1 while the registry is in read-only mode").register(meters);
        new JettyServerThreadPoolMetrics(jettyThreads, List.of()).bindTo(meters);
    }

    /** Counts every collection pass's results. */
    public java.util.function.Consumer<Collector.Report> gcReports() {
        return report -> {
            meters.counter("berth.gc.passes").increment();
            meters.counter("berth.gc.swept", "kind", "manifest").increment(report.manifestsSwept());
            meters.counter("berth.gc.swept", "kind", "blob").increment(report.blobsSwept());
            meters.counter("berth.gc.bytes.freed").increment(report.bytesFreed());
            meters.counter("berth.gc.claims.rescued").increment(report.claimsLost());
            meters.counter("berth.gc.uploads.expired").increment(report.uploadsExpired());
            Timer.builder("berth.gc.pass.duration").register(meters).record(report.took());
        };
    }

    // ---- access log and request metrics ----

    /** Records request metrics for every request; writes a line in {@code format} (text, json) unless off. */
    public RequestLog accessLog(String format) {
        boolean json = format.equals("json");
        boolean write = !format.equals("off");
        PrintStream out = System.err;
        return (request, response) -> {
            long nanos = NanoTime.since(request.getBeginNanoTime());
            int status = response.getStatus();
            String route = attribute(request, "berth.route").orElse("none");
            long in = Request.getContentBytesRead(request);
            long out2 = Response.getContentBytesWritten(response);
            Timer.builder("berth.http.requests").description("Requests by route, method and status")
                    .tags("route", route, "method", request.getMethod(), "status", Integer.toString(status))
                    .serviceLevelObjectives(LATENCY_BUCKETS).register(meters).record(nanos, TimeUnit.NANOSECONDS);
            Counter.builder("berth.http.bytes.in").tag("route", route).register(meters).increment(in);
            Counter.builder("berth.http.bytes.out").tag("route", route).register(meters).increment(out2);
            if (request.getAttribute("berth.storageFull") != null) {
                Counter.builder("berth.storage.full").description("Requests refused because the storage had no space left")
                        .register(meters).increment();
            }
            if (!write) {
                return;
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("time", Instant.now().toString());
            line.put("requestId", attribute(request, "berth.requestId").orElse("-"));
            line.put("remote", Request.getRemoteAddr(request));
            line.put("user", attribute(request, "berth.user").orElse("-"));
            line.put("method", request.getMethod());
            line.put("path", request.getHttpURI().getPathQuery());
            line.put("route", route);
            line.put("repository", attribute(request, "berth.repository").orElse("-"));
            line.put("status", status);
            line.put("bytesIn", in);
            line.put("bytesOut", out2);
            line.put("ms", nanos / 1_000_000);
            line.put("userAgent", Optional.ofNullable(request.getHeaders().get("User-Agent")).orElse("-"));
            String text;
            if (json) {
                try {
                    text = JSON.writeValueAsString(line);
                } catch (IOException e) {
                    text = line.toString();
                }
            } else {
                StringBuilder b = new StringBuilder();
                line.forEach((k, v) -> b.append(b.isEmpty() ? "" : " ").append(k).append('=')
                        .append(String.valueOf(v).replace(' ', '+')));
                text = b.toString();
            }
            out.println(text);
        };
    }

    private static Optional<String> attribute(Request request, String name) {
        return Optional.ofNullable(request.getAttribute(name)).map(String::valueOf);
    }

    // ---- storage operations ----

    /** The same storage, its handlers timed per operation and outcome, tagged with the backend's name. */
    public Storage meter(Storage storage, String backend) {
        BlobHandler blobs = proxy(storage.blobs(), backend);
        ManifestHandler manifests = proxy(storage.manifests(), backend);
        UploadHandler uploads = proxy(storage.uploads(), backend);
        return storage instanceof CollectableStorage collectable
                ? CollectableStorage.of(blobs, manifests, uploads, proxy(collectable.collection(), backend), storage)
                : Storage.of(blobs, manifests, uploads, storage);
    }

    /** A proxy with exactly the target's interfaces, so core's capability checks see what the backend offers. */
    @SuppressWarnings("unchecked")
    private <T> T proxy(T target, String backend) {
        Set<Class<?>> interfaces = new LinkedHashSet<>();
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            collect(c, interfaces);
        }
        InvocationHandler handler = (self, method, args) -> {
            if (method.getDeclaringClass() == Object.class
                    || method.getDeclaringClass() == Upload.class && method.getParameterCount() == 0
                    && (method.getName().equals("id") || method.getName().equals("repository"))) {
                return method.invoke(target, args); // not storage operations
            }
            long t0 = System.nanoTime();
            int outcome = 0;
            try {
                Object result = method.invoke(target, args);
                return result instanceof Upload upload ? proxy(upload, backend) : result;
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                outcome = cause instanceof NotFoundException ? 1
                        : cause instanceof DigestMismatchException || cause instanceof SizeMismatchException
                        || cause instanceof RedirectException ? 2 : 3;
                throw cause;
            } finally {
                timers.computeIfAbsent(method, m -> storageTimers(backend, m))[outcome]
                        .record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            }
        };
        return (T) Proxy.newProxyInstance(Observability.class.getClassLoader(), interfaces.toArray(Class<?>[]::new),
                handler);
    }

    private static final String[] OUTCOMES = {"ok", "not_found", "signal", "error"};

    /** One timer per outcome of a storage method, looked up once rather than on every call. */
    private Timer[] storageTimers(String backend, java.lang.reflect.Method method) {
        Timer[] byOutcome = new Timer[OUTCOMES.length];
        for (int i = 0; i < OUTCOMES.length; i++) {
            byOutcome[i] = Timer.builder("berth.storage.operations")
                    .description("Storage backend calls by operation and outcome")
                    .tags("backend", backend, "operation", method.getDeclaringClass().getSimpleName() + "."
                            + method.getName(), "outcome", OUTCOMES[i])
                    .register(meters);
        }
        return byOutcome;
    }

    private final Map<java.lang.reflect.Method, Timer[]> timers = new java.util.concurrent.ConcurrentHashMap<>();

    private static void collect(Class<?> c, Set<Class<?>> into) {
        for (Class<?> i : c.getInterfaces()) {
            if (java.lang.reflect.Modifier.isPublic(i.getModifiers()) && visible(i)) {
                into.add(i);
            }
            collect(i, into);
        }
    }

    /** Whether the proxy's class loader sees {@code i} (a plugin's own interfaces are left out). */
    private static boolean visible(Class<?> i) {
        try {
            return Class.forName(i.getName(), false, Observability.class.getClassLoader()) == i;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    public MeterRegistry registry() {
        return meters;
    }
}
