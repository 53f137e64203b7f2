// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.tck.HttpTester;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operating Berth: metrics, health, access log, read-only mode, configuration, admin commands. */
class OperationsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OCI = "application/vnd.oci.image.manifest.v1+json";

    @TempDir
    Path dir;

    /** The value of one Prometheus sample line (0 when absent). */
    static double sample(String scrape, String nameAndLabels) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(nameAndLabels + " ")) {
                return Double.parseDouble(line.substring(nameAndLabels.length() + 1).trim());
            }
        }
        return 0;
    }

    static String scrape(URI admin) throws Exception {
        HttpResponse<byte[]> r = new HttpTester(admin).get("/metrics");
        assertEquals(200, r.statusCode());
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("metrics move with traffic, health answers, the access log is structured, read-only switches at run time")
    void metricsHealthLogsReadOnly() throws Exception {
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                "--admin-address", "127.0.0.1:0", "--access-log", "json", "--gc-interval", "off")) {
            URI base = server.uri();
            URI admin = GcIT.adminUri(server);
            assertEquals("{\"status\":\"up\"}", new String(new HttpTester(admin).get("/health/live").body(), StandardCharsets.UTF_8));
            HttpResponse<byte[]> ready = new HttpTester(admin).get("/health/ready");
            assertEquals(200, ready.statusCode());
            assertEquals("ready", JSON.readTree(ready.body()).get("status").asText());

            String before = scrape(admin);
            String put = "berth_http_requests_seconds_count{method=\"PUT\",route=\"end-7\",status=\"201\"}";
            assertEquals(0, sample(before, put));
            assertTrue(before.contains("jvm_memory_used_bytes"), "JVM meters");
            assertTrue(before.contains("jetty_threads_busy"), "Jetty pool meters");
            byte[] manifest = new HttpTester(base).pushImage("ops/app", "v1", "some layer".getBytes(StandardCharsets.UTF_8));
            HttpResponse<byte[]> pulled = new HttpTester(base).send("GET", "/v2/ops/app/manifests/v1", (byte[]) null, "Accept", OCI,
                    "X-Request-Id", "trace-42");
            assertEquals("trace-42", pulled.headers().firstValue("X-Request-Id").orElse(""));
            // request metrics are recorded just before the access-log line, after the client has the answer
            List<String> logged = server.awaitLines(List.of("\"route\":\"end-7\"", "\"requestId\":\"trace-42\""), 10);
            String after = scrape(admin);
            assertEquals(1, sample(after, put), "one manifest PUT counted");
            assertEquals(2, sample(after, "berth_http_requests_seconds_count{method=\"POST\",route=\"end-4\",status=\"201\"}"));
            assertTrue(sample(after, "berth_http_bytes_in_total{route=\"end-7\"}") >= manifest.length, "bytes in");
            assertTrue(sample(after, "berth_http_bytes_out_total{route=\"end-3\"}") >= manifest.length, "bytes out");
            assertTrue(sample(after, "berth_storage_operations_seconds_count{backend=\"disk\",operation=\"ManifestHandler.put\",outcome=\"ok\"}") >= 1,
                    "storage operation latencies per backend");
            assertTrue(after.contains("berth_http_requests_seconds_bucket{"), "latency histograms");
            assertTrue(after.contains("berth_uploads_active "), "active upload sessions");
            JsonNode gc = GcIT.collectNow(admin);
            assertEquals(1, sample(scrape(admin), "berth_gc_passes_total"), "GC results: " + gc);

            String logLine = logged.get(1);
            JsonNode log = JSON.readTree(logLine);
            assertEquals("GET", log.get("method").asText());
            assertEquals("ops/app", log.get("repository").asText());
            assertEquals(200, log.get("status").asInt());
            assertEquals(manifest.length, log.get("bytesOut").asInt());
            assertTrue(log.has("ms") && log.has("user") && log.has("route"), logLine);

            // read-only: the admin endpoint, then SIGUSR1
            assertEquals("{\"readOnly\":true}", new String(new HttpTester(admin).send("POST", "/admin/read-only?enabled=true",
                    new byte[0]).body(), StandardCharsets.UTF_8));
            HttpResponse<byte[]> refused = new HttpTester(base).send("PUT", "/v2/ops/app/manifests/v2", manifest, "Content-Type", OCI);
            assertEquals(405, refused.statusCode());
            assertTrue(new String(refused.body(), StandardCharsets.UTF_8).contains("\"UNSUPPORTED\""));
            assertEquals(200, new HttpTester(base).send("GET", "/v2/ops/app/manifests/v1", (byte[]) null, "Accept", OCI).statusCode(),
                    "pulls go on in read-only mode");
            assertEquals(409, new HttpTester(admin).send("POST", "/admin/gc", new byte[0]).statusCode(), "GC waits while read-only");
            assertEquals(1, sample(scrape(admin), "berth_read_only"));
            Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(server.process().pid())).start();
            assertEquals(0, kill.waitFor());
            server.awaitLine("Berth read-only mode off (SIGUSR1)", 10);
            assertEquals(201, new HttpTester(base).send("PUT", "/v2/ops/app/manifests/v2", manifest, "Content-Type", OCI).statusCode());
        }
    }


    @Test
    @DisplayName("readiness: 503 with the reason while the storage cannot list, 200 again once it can")
    void readinessFollowsStorage() throws Exception {
        Path data = dir.resolve("data");
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", data.toString(),
                "--gc-interval", "off", "--admin-address", "127.0.0.1:0")) {
            URI admin = GcIT.adminUri(server);
            new HttpTester(server.uri()).pushImage("ready/app", "v1", "layer".getBytes(StandardCharsets.UTF_8));
            assertEquals(200, new HttpTester(admin).get("/health/ready").statusCode());

            // the repositories directory turns into a file: listings fail as on a broken mount
            Path repositories = data.resolve("repositories");
            Path aside = data.resolve("repositories-aside");
            Files.move(repositories, aside);
            Files.writeString(repositories, "not a directory");
            HttpResponse<byte[]> broken = new HttpTester(admin).get("/health/ready");
            assertEquals(503, broken.statusCode());
            JsonNode body = JSON.readTree(broken.body());
            assertEquals("storage unavailable", body.get("status").asText());
            assertTrue(body.get("reason").asText().contains("repositories"), body.toString());
            assertEquals(200, new HttpTester(admin).get("/health/live").statusCode(), "alive all the same");

            Files.delete(repositories);
            Files.move(aside, repositories);
            assertEquals(200, new HttpTester(admin).get("/health/ready").statusCode());
        }
    }

    @Test
    @DisplayName("admin token: metrics and admin actions need the bearer token, health probes do not; weak tokens refused")
    void adminToken() throws Exception {
        Path tokenFile = dir.resolve("admin-token");
        String token = "s3cret-admin-token-0123456789";
        Files.writeString(tokenFile, token + "\n");
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                "--gc-interval", "off", "--admin-address", "127.0.0.1:0", "--admin-token-file", tokenFile.toString())) {
            URI admin = GcIT.adminUri(server);
            HttpResponse<byte[]> anonymous = new HttpTester(admin).get("/metrics");
            assertEquals(401, anonymous.statusCode());
            assertEquals("Bearer realm=\"berth-admin\"", anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
            assertEquals(401, new HttpTester(admin).send("GET", "/metrics", (byte[]) null, "Authorization", "Bearer " + token + "x")
                    .statusCode());
            assertEquals(401, new HttpTester(admin).send("GET", "/metrics", (byte[]) null, "Authorization", "Basic " + token).statusCode());
            HttpResponse<byte[]> scraped = new HttpTester(admin).send("GET", "/metrics", (byte[]) null, "Authorization", "Bearer " + token);
            assertEquals(200, scraped.statusCode());
            assertTrue(new String(scraped.body(), StandardCharsets.UTF_8).contains("berth_read_only"));

            assertEquals(401, new HttpTester(admin).send("POST", "/admin/read-only?enabled=true", new byte[0]).statusCode());
            byte[] manifest = new HttpTester(server.uri()).pushImage("token/app", "v1", "layer".getBytes(StandardCharsets.UTF_8));
            assertEquals(201, new HttpTester(server.uri()).send("PUT", "/v2/token/app/manifests/v2", manifest, "Content-Type", OCI)
                    .statusCode(), "the refused request changed nothing: still writable");
            assertEquals(401, new HttpTester(admin).send("POST", "/admin/gc", new byte[0]).statusCode());
            assertEquals(200, new HttpTester(admin).send("POST", "/admin/gc", new byte[0], "Authorization", "Bearer " + token)
                    .statusCode());
            assertEquals(200, new HttpTester(admin).get("/health/live").statusCode(), "probes need no token");
            try (java.net.Socket raw = RawHttp.connect(admin)) { // the client would resolve the dots itself
                RawHttp.write(raw.getOutputStream(), "GET /health/../metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                String status = RawHttp.statusLine(raw.getInputStream());
                assertFalse(status.contains(" 200"), "dot segments do not reach /metrics past the filter: " + status);
            }
            assertEquals(200, new HttpTester(admin).get("/health/ready").statusCode());
        }
        Path weak = dir.resolve("weak-token");
        Files.writeString(weak, "short");
        ServerProcess.Ran refused = berth(Map.of(), "--data-dir", dir.resolve("data2").toString(), "--port", "0", "--host",
                "127.0.0.1", "--admin-address", "127.0.0.1:0", "--admin-token-file", weak.toString());
        assertTrue(refused.exit() != 0 && refused.output().contains("at least 16"), refused.output());
    }

    /** Runs {@code java -jar berth.jar ARGS}; returns exit code and combined output. */
    private ServerProcess.Ran berth(Map<String, String> env, String... args) throws Exception {
        return ServerProcess.command(dir, env, args);
    }

    @Test
    @DisplayName("configuration: file, environment and flags with precedence; broken files and mistyped storage settings"
            + " fail clearly; secrets masked")
    void configuration() throws Exception {
        Files.writeString(dir.resolve("berth.yaml"), """
                port: 6000
                gc-interval: 2h
                gc-grace: 12h
                storage-opt:
                  root: /srv/berth
                  secret-key: hunter2
                gc-untagged: ["ci/**", "tmp/*"]
                """);
        ServerProcess.Ran printed = berth(Map.of("BERTH_GC_GRACE", "3h"), "--config", "berth.yaml", "--port", "7000", "--print-config");
        assertEquals(0, printed.exit(), printed.output());
        JsonNode effective = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(printed.output());
        assertEquals(7000, effective.get("port").asInt(), "the command line wins");
        assertEquals("3h", effective.get("gc-grace").asText(), "then the environment");
        assertEquals("2h", effective.get("gc-interval").asText(), "then the file");
        assertEquals("24h", effective.get("upload-expiry").asText(), "then the default");
        assertEquals("[\"ci/**\",\"tmp/*\"]", effective.get("gc-untagged").toString());
        assertEquals("/srv/berth", effective.get("storage-opt").get("root").asText());
        assertEquals("****", effective.get("storage-opt").get("secret-key").asText(), "secrets are masked");
        assertFalse(printed.output().contains("hunter2"));

        Files.writeString(dir.resolve("typo.yaml"), "gc-intervall: 2h\n");
        ServerProcess.Ran typo = berth(Map.of(), "--config", "typo.yaml", "--print-config");
        assertEquals(2, typo.exit());
        assertTrue(typo.output().contains("typo.yaml: unknown key 'gc-intervall' (did you mean 'gc-interval'?)"),
                typo.output());
        Files.writeString(dir.resolve("bad.yaml"), "port: eighty\n");
        ServerProcess.Ran bad = berth(Map.of(), "--config", "bad.yaml", "--print-config");
        assertEquals(2, bad.exit());
        assertTrue(bad.output().contains("'--port': 'eighty' is not an int"), bad.output());
        Files.writeString(dir.resolve("broken.yaml"), "port: [unclosed\n");
        ServerProcess.Ran broken = berth(Map.of(), "--config", "broken.yaml");
        assertEquals(2, broken.exit());
        assertTrue(broken.output().contains("broken.yaml is not valid YAML"), broken.output());
        ServerProcess.Ran badDuration = berth(Map.of("BERTH_GC_INTERVAL", "soon"), "--data-dir", "d", "--port", "0");
        assertEquals(1, badDuration.exit());
        assertTrue(badDuration.output().contains("--gc-interval must be a duration"), badDuration.output());
        ServerProcess.Ran typoSetting = berth(Map.of(), "--data-dir", "d", "--port", "0", "-s", "fsynk-chunks=true");
        assertEquals(1, typoSetting.exit(), typoSetting.output());
        assertTrue(typoSetting.output().contains("unknown storage setting \"fsynk-chunks\" for disk (did you mean"
                + " \"sync-chunks\"?); disk reads root, sync-chunks"), typoSetting.output());
    }

    @Test
    @DisplayName("admin commands: import, check (and a corrupt blob), export, gc; refused while a server holds the directory")
    void adminCommands() throws Exception {
        Path hello = Path.of("src/test/resources/images/hello").toAbsolutePath();
        String data = dir.resolve("data").toString();
        ServerProcess.Ran imported = berth(Map.of(), "import", hello.toString(), "--repository", "demo/hello", "--data-dir", data);
        assertEquals(0, imported.exit(), imported.output());
        ServerProcess.Ran check = berth(Map.of(), "check", "--data-dir", data);
        assertEquals(0, check.exit(), check.output());
        assertTrue(check.output().contains("3 objects") && check.output().contains("0 problems"), check.output());
        ServerProcess.Ran exported = berth(Map.of(), "export", "demo/hello:latest", "--to", dir.resolve("out").toString(),
                "--data-dir", data);
        assertEquals(0, exported.exit(), exported.output());
        JsonNode index = JSON.readTree(dir.resolve("out/index.json").toFile());
        assertEquals("latest", index.get("manifests").get(0).get("annotations").get("org.opencontainers.image.ref.name").asText());
        assertEquals(Files.readString(hello.resolve("index.json")).contains(index.get("manifests").get(0).get("digest").asText()),
                true, "the exported manifest is the imported one");
        ServerProcess.Ran dry = berth(Map.of(), "gc", "--dry-run", "--grace", "0s", "--data-dir", data);
        assertEquals(0, dry.exit(), dry.output());
        assertTrue(dry.output().contains("\"dryRun\" : true"), dry.output());

        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", data, "--gc-interval", "off")) {
            ServerProcess.Ran busy = berth(Map.of(), "gc", "--data-dir", data);
            assertEquals(1, busy.exit());
            assertTrue(busy.output().contains("is in use by another Berth server or command"), busy.output());
        }

        Path blob;
        try (var files = Files.walk(dir.resolve("data/blobs"))) {
            blob = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(blob);
        bytes[0] ^= 1;
        Files.write(blob, bytes);
        ServerProcess.Ran corrupt = berth(Map.of(), "check", "--data-dir", data);
        assertEquals(1, corrupt.exit(), corrupt.output());
        Matcher failed = Pattern.compile("FAILED demo/hello blob (sha256:[0-9a-f]{64})").matcher(corrupt.output());
        assertTrue(failed.find(), corrupt.output());
        assertEquals(blob.getFileName().toString(), failed.group(1).substring(7), "the corrupt blob is named");
    }
}
