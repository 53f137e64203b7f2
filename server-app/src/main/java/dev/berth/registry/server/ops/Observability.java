// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Registry;
import dev.berth.registry.core.UpstreamStats;
import dev.berth.registry.core.StorageObserver;
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
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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

    private volatile Runnable beforeScrape = () -> { };

    String scrape() {
        beforeScrape.run();
        return meters.scrape();
    }

    /** Quota rows kept in the metrics at most (the fullest first): one per covered repository could be many. */
    static final int QUOTA_ROWS = 1000;
    private static final long QUOTAS_MEASURED_EVERY_NANOS = 30_000_000_000L;

    /**
     * {@code berth_quota_used_bytes} and {@code berth_quota_limit_bytes} by quota and repository
     * ({@code *} for a shared quota), measured when scraped, at most every 30 s.
     */
    public void bindQuotas(Registry registry) {
        io.micrometer.core.instrument.MultiGauge used = io.micrometer.core.instrument.MultiGauge
                .builder("berth.quota.used.bytes").description("Bytes of blobs linked where a quota applies").register(meters);
        io.micrometer.core.instrument.MultiGauge limit = io.micrometer.core.instrument.MultiGauge
                .builder("berth.quota.limit.bytes").description("The quota's limit").register(meters);
        long[] measuredAt = {System.nanoTime() - QUOTAS_MEASURED_EVERY_NANOS - 1};
        beforeScrape = () -> {
            synchronized (measuredAt) {
                if (System.nanoTime() - measuredAt[0] < QUOTAS_MEASURED_EVERY_NANOS) {
                    return;
                }
                measuredAt[0] = System.nanoTime();
                try {
                    List<dev.berth.registry.core.Quota.Use> uses = new java.util.ArrayList<>(registry.quotaUse());
                    uses.sort(java.util.Comparator.comparingLong(dev.berth.registry.core.Quota.Use::usedBytes).reversed());
                    List<dev.berth.registry.core.Quota.Use> rows = uses.subList(0, Math.min(QUOTA_ROWS, uses.size()));
                    used.register(rows.stream().map(u -> io.micrometer.core.instrument.MultiGauge.Row.of(tags(u),
                            u.usedBytes())).toList(), true);
                    limit.register(rows.stream().map(u -> io.micrometer.core.instrument.MultiGauge.Row.of(tags(u),
                            u.maxBytes())).toList(), true);
                } catch (java.io.IOException | RuntimeException e) {
                    System.getLogger(Observability.class.getName()).log(System.Logger.Level.WARNING,
                            "could not measure quotas for the metrics: " + e.getMessage());
                }
            }
        };
    }

    private static io.micrometer.core.instrument.Tags tags(dev.berth.registry.core.Quota.Use use) {
        return io.micrometer.core.instrument.Tags.of("quota", use.quota(), "repository", use.repository().orElse("*"));
    }

    public void bind(Registry registry, ThreadPool jettyThreads) {
        Gauge.builder("berth.uploads.active", registry, Registry::openUploadSessions)
                .description("Upload sessions open in this process").register(meters);
        Gauge.builder("berth.read.only", registry, r -> r.isReadOnly() ? 1 : 0)
                .description("1 while the registry is in read-only mode").register(meters);
        new JettyServerThreadPoolMetrics(jettyThreads, List.of()).bindTo(meters);
        for (UpstreamStats initial : registry.upstreamStats()) {
            String name = initial.upstream();
            java.util.function.Function<java.util.function.ToLongFunction<UpstreamStats>,
                    java.util.function.ToDoubleFunction<Registry>> of = field -> r -> r.upstreamStats().stream()
                    .filter(s -> s.upstream().equals(name)).mapToLong(field).sum();
            mirrorCounter("berth.mirror.upstream.requests", registry, name, of.apply(UpstreamStats::manifestGets),
                    "kind", "manifest-get");
            mirrorCounter("berth.mirror.upstream.requests", registry, name, of.apply(UpstreamStats::manifestHeads),
                    "kind", "manifest-head");
            mirrorCounter("berth.mirror.upstream.requests", registry, name, of.apply(UpstreamStats::blobGets),
                    "kind", "blob-get");
            mirrorCounter("berth.mirror.upstream.requests", registry, name, of.apply(UpstreamStats::tokenRequests),
                    "kind", "token");
            mirrorCounter("berth.mirror.upstream.rate.limited", registry, name, of.apply(UpstreamStats::rateLimited));
            mirrorCounter("berth.mirror.upstream.failures", registry, name, of.apply(UpstreamStats::failures));
            mirrorCounter("berth.mirror.stale.served", registry, name, of.apply(UpstreamStats::staleServed));
            mirrorCounter("berth.mirror.hits", registry, name, of.apply(UpstreamStats::hits));
        }
    }

    private void mirrorCounter(String metric, Registry registry, String upstream,
                               java.util.function.ToDoubleFunction<Registry> value, String... tags) {
        List<String> all = new java.util.ArrayList<>(List.of("upstream", upstream));
        all.addAll(List.of(tags));
        io.micrometer.core.instrument.FunctionCounter.builder(metric, registry, value).tags(all.toArray(String[]::new))
                .register(meters);
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
            report.tagsRemovedByRule().forEach((rule, tags) ->
                    meters.counter("berth.retention.tags.removed", "rule", rule).increment(tags));
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

    /** Times every storage call per operation and outcome, tagged with the backend's name. */
    public StorageObserver storageTimers(String backend) {
        Map<String, Timer[]> timers = new ConcurrentHashMap<>();
        return (operation, nanos, outcome) -> timers.computeIfAbsent(operation, op -> storageTimers(backend, op))
                [outcome.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One timer per outcome of a storage operation, looked up once rather than on every call. */
    private Timer[] storageTimers(String backend, String operation) {
        StorageObserver.Outcome[] outcomes = StorageObserver.Outcome.values();
        Timer[] byOutcome = new Timer[outcomes.length];
        for (StorageObserver.Outcome outcome : outcomes) {
            byOutcome[outcome.ordinal()] = Timer.builder("berth.storage.operations")
                    .description("Storage backend calls by operation and outcome")
                    .tags("backend", backend, "operation", operation,
                            "outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                    .register(meters);
        }
        return byOutcome;
    }

    public MeterRegistry registry() {
        return meters;
    }
}
