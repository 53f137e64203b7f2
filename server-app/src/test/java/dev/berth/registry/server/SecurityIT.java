// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.api.Digest;
import dev.berth.registry.tck.HttpTester;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP Basic authentication and authorization against the packaged server, with the attack each
 * check tries in its name (tokens: {@link TokenAuthIT}; TLS and hardening: {@link TransportSecurityIT}). Every refusal must be an OCI JSON error with the right status.
 */
class SecurityIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String OCI = "application/vnd.oci.image.manifest.v1+json";
    static final String POLICY = """
            groups:
              readers: [bob]
            rules:
              - repositories: ["**"]
                users: [alice]
                actions: [pull, push, delete]
              - repositories: ["team/**"]
                groups: [readers]
                actions: [pull]
              - repositories: ["carol/**"]
                users: [carol]
                actions: [pull, push]
              - repositories: ["public/**"]
                anonymous: [pull]
            """;

    @TempDir
    Path dir;

    static void writeHtpasswd(Path file, Map<String, String> users) throws Exception {
        StringBuilder b = new StringBuilder("# test users\n");
        for (var e : users.entrySet()) {
            byte[] salt = new byte[16];
            new SecureRandom().nextBytes(salt);
            b.append(e.getKey()).append(':').append(OpenBSDBCrypt.generate("2y", e.getValue().toCharArray(), salt, 6))
                    .append('\n');
        }
        Files.writeString(file, b);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private ServerProcess start(String... extra) throws Exception {
        return start(dir, extra);
    }

    /** The server with this class's users (alice, bob, carol) and {@link #POLICY}, its files under {@code dir}. */
    static ServerProcess start(Path dir, String... extra) throws Exception {
        writeHtpasswd(dir.resolve("htpasswd"), Map.of("alice", "alice-secret-1", "bob", "bob-secret-2",
                "carol", "carol-secret-3"));
        Files.writeString(dir.resolve("policy.yaml"), POLICY);
        List<String> args = new ArrayList<>(List.of("--data-dir", dir.resolve("data").toString(),
                "--htpasswd", dir.resolve("htpasswd").toString(), "--auth-policy", dir.resolve("policy.yaml").toString(),
                "--gc-interval", "off"));
        args.addAll(List.of(extra));
        return ServerProcess.start(List.of(), args.toArray(String[]::new));
    }

    static HttpResponse<byte[]> send(URI base, String method, String path, byte[] body, String... headers)
            throws Exception {
        return new HttpTester(base).send(method, path, body, headers);
    }

    /** Asserts an OCI error: status, JSON body, code. */
    static JsonNode expectError(HttpResponse<byte[]> r, int status, String code, String attack) throws Exception {
        assertEquals(status, r.statusCode(), attack + ": " + new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), attack);
        JsonNode error = JSON.readTree(r.body()).get("errors").get(0);
        assertEquals(code, error.get("code").asText(), attack);
        return error;
    }

    /** Pushes a one-layer image with the given Authorization header; returns the manifest PUT's response. */
    static HttpResponse<byte[]> pushImage(URI base, String repo, String tag, String authorization) throws Exception {
        byte[] layer = ("layer of " + repo).getBytes(StandardCharsets.UTF_8);
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        String[] auth = authorization == null || authorization.isEmpty() ? new String[0]
                : new String[] {"Authorization", authorization};
        for (byte[] blob : List.of(layer, config)) {
            HttpResponse<byte[]> r = send(base, "POST", "/v2/" + repo + "/blobs/uploads/?digest=" + Digest.sha256(blob),
                    blob, auth);
            if (r.statusCode() != 201) {
                return r;
            }
        }
        byte[] manifest = GcIT.manifest(config, List.of(layer));
        List<String> headers = new ArrayList<>(List.of("Content-Type", OCI));
        headers.addAll(List.of(auth));
        return send(base, "PUT", "/v2/" + repo + "/manifests/" + tag, manifest, headers.toArray(String[]::new));
    }

    @Test
    @DisplayName("Basic: wrong, unknown, malformed and non-canonical credentials are refused; rights follow the policy")
    void basicAuthentication() throws Exception {
        try (ServerProcess server = start()) {
            URI base = server.uri();
            HttpResponse<byte[]> anonymous = send(base, "GET", "/v2/", null);
            expectError(anonymous, 401, "UNAUTHORIZED", "anonymous GET /v2/");
            assertEquals("Basic realm=\"Berth\", charset=\"UTF-8\"", anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
            assertEquals(200, send(base, "GET", "/v2/", null, "Authorization", basic("alice", "alice-secret-1")).statusCode());
            expectError(send(base, "GET", "/v2/", null, "Authorization", basic("alice", "wrong")), 401, "UNAUTHORIZED",
                    "wrong password");
            expectError(send(base, "GET", "/v2/", null, "Authorization", basic("mallory", "x")), 401, "UNAUTHORIZED",
                    "unknown user");
            expectError(send(base, "GET", "/v2/", null, "Authorization", "Basic !!!notbase64"), 401, "UNAUTHORIZED",
                    "malformed Base64");
            String unpadded = basic("alice", "alice-secret-1").replaceAll("=+$", "");
            if (!unpadded.equals(basic("alice", "alice-secret-1"))) {
                expectError(send(base, "GET", "/v2/", null, "Authorization", unpadded), 401, "UNAUTHORIZED",
                        "non-canonical Base64 (padding stripped)");
            }
            expectError(send(base, "GET", "/v2/", null, "Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString("nocolon".getBytes())), 401, "UNAUTHORIZED", "credentials without a colon");
            expectError(send(base, "GET", "/v2/", null, "Authorization", "Bearer abc"), 401, "UNAUTHORIZED",
                    "a Bearer token where Basic is expected");

            String alice = basic("alice", "alice-secret-1");
            String bob = basic("bob", "bob-secret-2");
            String carol = basic("carol", "carol-secret-3");
            assertEquals(201, pushImage(base, "team/app", "v1", alice).statusCode(), "alice may push anywhere");
            assertEquals(201, pushImage(base, "public/tool", "v1", alice).statusCode());
            assertEquals(200, send(base, "GET", "/v2/team/app/manifests/v1", null, "Authorization", bob, "Accept", OCI)
                    .statusCode(), "bob reads team/**");
            expectError(pushImage(base, "team/app", "v2", bob), 403, "DENIED", "bob pushes where he may only pull");
            expectError(send(base, "DELETE", "/v2/team/app/manifests/v1", null, "Authorization", bob), 403, "DENIED",
                    "bob deletes");
            expectError(send(base, "GET", "/v2/team/app/manifests/v1", null, "Authorization", carol, "Accept", OCI),
                    403, "DENIED", "carol reads a repository she has no rule for");
            assertEquals(200, send(base, "GET", "/v2/public/tool/manifests/v1", null, "Accept", OCI).statusCode(),
                    "anonymous pull of public/**");
            expectError(pushImage(base, "public/tool", "v2", null), 401, "UNAUTHORIZED", "anonymous push");

            // no digest-guessing across repositories: carol may push carol/**, not read team/**
            Digest layer = Digest.sha256("layer of team/app".getBytes(StandardCharsets.UTF_8));
            HttpResponse<byte[]> mount = send(base, "POST", "/v2/carol/x/blobs/uploads/?mount=" + layer + "&from=team/app",
                    new byte[0], "Authorization", carol);
            assertEquals(202, mount.statusCode(), "a mount from a repository carol may not pull becomes an upload");
            expectError(send(base, "GET", "/v2/carol/x/blobs/" + layer, null, "Authorization", carol), 404,
                    "BLOB_UNKNOWN", "the blob of team/app through carol/x");
            assertEquals(202, send(base, "POST", "/v2/carol/y/blobs/uploads/?mount=" + layer, new byte[0],
                    "Authorization", carol).statusCode(), "a mount without from never finds what carol may not pull");
            assertEquals(201, send(base, "POST", "/v2/alice/copy/blobs/uploads/?mount=" + layer, new byte[0],
                    "Authorization", alice).statusCode(), "a mount without from finds team/app for alice, who may pull it");

            JsonNode bobCatalog = JSON.readTree(send(base, "GET", "/v2/_catalog", null, "Authorization", bob).body());
            assertEquals("[\"public/tool\",\"team/app\"]", bobCatalog.get("repositories").toString(),
                    "bob's catalog: what he may pull");
            JsonNode carolCatalog = JSON.readTree(send(base, "GET", "/v2/_catalog", null, "Authorization", carol).body());
            assertEquals("[\"public/tool\"]", carolCatalog.get("repositories").toString());

            // the file is re-read when it changes
            writeHtpasswd(dir.resolve("htpasswd"), Map.of("alice", "alice-secret-1", "dave", "dave-secret-4"));
            int status = 0;
            for (int i = 0; i < 50 && status != 200; i++) {
                status = send(base, "GET", "/v2/", null, "Authorization", basic("dave", "dave-secret-4")).statusCode();
                if (status != 200) {
                    Thread.onSpinWait();
                    server.process().waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            }
            assertEquals(200, status, "a user added to the htpasswd file logs in without a restart");
            expectError(send(base, "GET", "/v2/", null, "Authorization", bob), 401, "UNAUTHORIZED",
                    "a user removed from the file");

            server.terminate(30);
            String log = server.output();
            for (String secret : List.of("alice-secret-1", "bob-secret-2", "carol-secret-3", "dave-secret-4")) {
                assertFalse(log.contains(secret), "no password in the log");
            }
            assertTrue(log.contains("failed login for user \"mallory\""), "failed logins are logged, by user name");
        }
    }

    static Path writePem(Path file, Object object) throws Exception {
        try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(object);
        }
        return file;
    }

    /** A private key as {@code openssl genpkey} writes it (BEGIN PRIVATE KEY). */
    static Object pkcs8(java.security.PrivateKey key) throws Exception {
        return new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null).generate();
    }
}
