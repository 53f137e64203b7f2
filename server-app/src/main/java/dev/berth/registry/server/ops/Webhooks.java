// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.core.RegistryEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.function.Consumer;

/**
 * Delivers registry events as CloudEvents (structured JSON, {@code application/cloudevents+json})
 * to webhook URLs. Each target has a bounded queue and one sender: an event is retried with
 * exponential backoff until the receiver takes it (2xx), in order, so a receiver that was down
 * gets everything once it is back; a full queue drops its oldest event (counted), and a request
 * thread never waits.
 */
public final class Webhooks implements Consumer<RegistryEvent>, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(Webhooks.class.getName());

    private final List<Target> targets = new ArrayList<>();
    private final String source;

    public Webhooks(List<URI> urls, int queueSize, Duration maxBackoff, String source, MeterRegistry meters) {
        this.source = source;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (URI url : urls) {
            targets.add(new Target(url, queueSize, maxBackoff, client, meters));
        }
    }

    @Override
    public void accept(RegistryEvent event) {
        byte[] body = cloudEvent(event);
        targets.forEach(t -> t.offer(body));
    }

    private byte[] cloudEvent(RegistryEvent e) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("repository", e.repository().name());
        data.put("digest", e.digest() == null ? null : e.digest().toString());
        data.put("tags", e.tags());
        data.put("mediaType", e.mediaType());
        data.put("size", e.size());
        data.put("user", e.user());
        data.put("requestId", e.requestId());
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", UUID.randomUUID().toString());
        event.put("source", source);
        event.put("type", e.type().cloudEventType());
        event.put("time", e.time().toString());
        event.put("subject", e.repository().name() + (e.tags().isEmpty() ? "@" + e.digest() : ":" + e.tags().get(0)));
        event.put("datacontenttype", "application/json");
        event.put("data", data);
        try {
            return JSON.writeValueAsBytes(event);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public void close() {
        targets.forEach(Target::close);
    }

    private static final class Target {
        private final URI url;
        private final LinkedBlockingDeque<byte[]> queue;
        private final Duration maxBackoff;
        private final HttpClient client;
        private final Thread sender;
        private final io.micrometer.core.instrument.Counter delivered;
        private final io.micrometer.core.instrument.Counter failures;
        private final io.micrometer.core.instrument.Counter dropped;
        private volatile boolean closed;

        Target(URI url, int queueSize, Duration maxBackoff, HttpClient client, MeterRegistry meters) {
            this.url = url;
            this.queue = new LinkedBlockingDeque<>(queueSize);
            this.maxBackoff = maxBackoff;
            this.client = client;
            String target = url.getHost() + ":" + url.getPort();
            this.delivered = meters.counter("berth.webhook.delivered", "target", target);
            this.failures = meters.counter("berth.webhook.failed.attempts", "target", target);
            this.dropped = meters.counter("berth.webhook.dropped", "target", target);
            meters.gauge("berth.webhook.queued", List.of(io.micrometer.core.instrument.Tag.of("target", target)), queue,
                    LinkedBlockingDeque::size);
            this.sender = new Thread(this::run, "berth-webhook-" + target);
            sender.setDaemon(true);
            sender.start();
        }

        void offer(byte[] event) {
            while (!queue.offerLast(event)) {
                if (queue.pollFirst() != null) {
                    dropped.increment(); // full: the oldest goes, the request never waits
                }
            }
        }

        private void run() {
            while (!closed) {
                byte[] event;
                try {
                    event = queue.takeFirst();
                } catch (InterruptedException e) {
                    return;
                }
                long backoff = 100;
                while (!closed) {
                    if (deliver(event)) {
                        delivered.increment();
                        break;
                    }
                    failures.increment();
                    try {
                        Thread.sleep(backoff); // the sender's own pace; requests never wait on it
                    } catch (InterruptedException e) {
                        return;
                    }
                    backoff = Math.min(backoff * 2, maxBackoff.toMillis());
                }
            }
        }

        private boolean deliver(byte[] event) {
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/cloudevents+json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(event)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 == 2) {
                    return true;
                }
                LOG.log(System.Logger.Level.DEBUG, () -> "webhook " + url + " answered " + r.statusCode() + "; retrying");
                return false;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "webhook " + url + " unreachable (" + e + "); retrying");
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        void close() {
            closed = true;
            sender.interrupt();
        }
    }
}
