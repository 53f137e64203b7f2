// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.berth.registry.tck.HttpTester;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhooks: delivery across receiver downtime, and a bounded queue. */
class WebhooksIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OCI = "application/vnd.oci.image.manifest.v1+json";

    @TempDir
    Path dir;
    @Test
    @DisplayName("webhooks: a receiver that was down gets every event, in order, as CloudEvents")
    void webhooksSurviveReceiverDowntime() throws Exception {
        int port;
        try (ServerSocket reserve = new ServerSocket(0)) {
            port = reserve.getLocalPort(); // nothing listens here until the receiver starts below
        }
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                "--webhook", "http://127.0.0.1:" + port + "/hook", "--webhook-max-backoff", "500ms",
                "--gc-interval", "off")) {
            URI base = server.uri();
            new HttpTester(base).pushImage("hooks/app", "v1", "layer one".getBytes(StandardCharsets.UTF_8));
            new HttpTester(base).pushImage("hooks/app", "v2", "layer two".getBytes(StandardCharsets.UTF_8));
            assertEquals(200, new HttpTester(base).send("GET", "/v2/hooks/app/manifests/v1", (byte[]) null, "Accept", OCI).statusCode());
            assertEquals(202, new HttpTester(base).send("DELETE", "/v2/hooks/app/manifests/v2", (byte[]) null).statusCode());

            BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
            List<String> contentTypes = new ArrayList<>();
            HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            receiver.createContext("/hook", exchange -> {
                contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
                received.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            receiver.start();
            try {
                List<String> types = new ArrayList<>();
                List<JsonNode> events = new ArrayList<>();
                while (events.size() < 4) {
                    JsonNode e = received.poll(30, TimeUnit.SECONDS);
                    assertTrue(e != null, "events delivered after the receiver came up; got " + types);
                    events.add(e);
                    types.add(e.get("type").asText());
                }
                assertEquals(List.of("dev.berth.registry.manifest.pushed", "dev.berth.registry.manifest.pushed",
                        "dev.berth.registry.manifest.pulled", "dev.berth.registry.tag.deleted"), types);
                JsonNode first = events.get(0);
                assertEquals("1.0", first.get("specversion").asText());
                assertEquals("hooks/app:v1", first.get("subject").asText());
                assertEquals("hooks/app", first.get("data").get("repository").asText());
                assertTrue(first.get("data").get("digest").asText().startsWith("sha256:"));
                assertTrue(first.has("id") && first.has("source") && first.has("time"));
                assertEquals("application/cloudevents+json", contentTypes.get(0));
            } finally {
                receiver.stop(0);
            }
        }
    }

    /** Sum of every sample of a metric, whatever its labels. */
    static double sampleAnyLabels(String scrape, String name) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
            }
        }
        return sum;
    }

    @Test
    @DisplayName("webhooks: a full queue drops its oldest events, counts them, and the request never waits")
    void webhookQueueDropsOldest() throws Exception {
        int port;
        try (ServerSocket reserve = new ServerSocket(0)) {
            port = reserve.getLocalPort(); // the receiver is down until all pushes are done
        }
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                "--webhook", "http://127.0.0.1:" + port + "/hook", "--webhook-queue", "2",
                "--webhook-max-backoff", "500ms", "--gc-interval", "off", "--admin-address", "127.0.0.1:0")) {
            URI base = server.uri();
            URI admin = GcIT.adminUri(server);
            new HttpTester(base).pushImage("drop/app", "v1", "layer one".getBytes(StandardCharsets.UTF_8));
            // the sender takes v1 and retries it; wait until it has, so the queue holds only what follows
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (sampleAnyLabels(OperationsIT.scrape(admin), "berth_webhook_queued") != 0) {
                assertTrue(System.nanoTime() < deadline, "the sender never took the first event");
                Thread.sleep(50);
            }
            for (String tag : List.of("v2", "v3", "v4")) {
                new HttpTester(base).pushImage("drop/app", tag, ("layer " + tag).getBytes(StandardCharsets.UTF_8));
            }
            String scraped = OperationsIT.scrape(admin);
            assertEquals(1, sampleAnyLabels(scraped, "berth_webhook_dropped_total"), "v2 dropped: " + scraped);
            assertEquals(2, sampleAnyLabels(scraped, "berth_webhook_queued"));

            BlockingQueue<String> subjects = new LinkedBlockingQueue<>();
            HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            receiver.createContext("/hook", exchange -> {
                subjects.add(JSON.readTree(exchange.getRequestBody().readAllBytes()).get("subject").asText());
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            receiver.start();
            try {
                List<String> got = new ArrayList<>();
                while (got.size() < 3) {
                    String subject = subjects.poll(30, TimeUnit.SECONDS);
                    assertTrue(subject != null, "delivered after the receiver came up: " + got);
                    got.add(subject);
                }
                assertEquals(List.of("drop/app:v1", "drop/app:v3", "drop/app:v4"), got);
                assertEquals(null, subjects.poll(1, TimeUnit.SECONDS), "nothing else: v2 was dropped");
            } finally {
                receiver.stop(0);
            }
        }
    }
}
