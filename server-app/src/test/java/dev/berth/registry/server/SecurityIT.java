// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import dev.berth.registry.jetty.Pem;
import dev.berth.registry.jetty.SelfSignedCertificate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.registry.api.Digest;
import dev.berth.registry.tck.HttpTester;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication, authorization, TLS and hardening against the packaged server, with the attack
 * each check tries in its name. Every refusal must be an OCI JSON error with the right status.
 */
class SecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OCI = "application/vnd.oci.image.manifest.v1+json";
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

    static KeyPair ecKey() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
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

    /** A token as a token server would mint it, with the knobs attacks turn. */
    static String mint(KeyPair key, String issuer, String audience, Instant expires, Instant notBefore,
                       List<Map<String, Object>> access) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject("tester").audience(audience)
                .expirationTime(Date.from(expires)).notBeforeTime(Date.from(notBefore)).issueTime(new Date())
                .claim("access", access).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new ECDSASigner((ECPrivateKey) key.getPrivate(), Curve.P_256));
        return jwt.serialize();
    }

    static List<Map<String, Object>> access(String repo, String... actions) {
        return List.of(Map.of("type", "repository", "name", repo, "actions", List.of(actions)));
    }

    @Test
    @DisplayName("Bearer: the built-in token endpoint grants what the policy allows; forged, expired and misdirected tokens fail")
    void tokenAuthentication() throws Exception {
        KeyPair key = ecKey();
        Path keyPem = writePem(dir.resolve("token-key.pem"), pkcs8(key.getPrivate()));
        try (ServerProcess server = start("--auth", "token", "--token-key", keyPem.toString(), "--token-service",
                "registry.test", "--token-issuer", "berth-test")) {
            URI base = server.uri();
            HttpResponse<byte[]> challenge = send(base, "GET", "/v2/", null);
            expectError(challenge, 401, "UNAUTHORIZED", "anonymous GET /v2/");
            String realm = base + "/token";
            assertEquals("Bearer realm=\"" + realm + "\",service=\"registry.test\"",
                    challenge.headers().firstValue("WWW-Authenticate").orElse(""));
            HttpResponse<byte[]> pushChallenge = pushImage(base, "team/app", "v1", "");
            expectError(pushChallenge, 401, "UNAUTHORIZED", "anonymous push");
            assertTrue(pushChallenge.headers().firstValue("WWW-Authenticate").orElse("")
                    .contains("scope=\"repository:team/app:pull,push\""), pushChallenge.headers().toString());

            String aliceToken = token(base, basic("alice", "alice-secret-1"), "repository:team/app:pull,push");
            assertEquals(201, pushImage(base, "team/app", "v1", "Bearer " + aliceToken).statusCode(),
                    "push with a token for pull,push");
            String readOnly = token(base, basic("alice", "alice-secret-1"), "repository:team/app:pull");
            HttpResponse<byte[]> narrow = pushImage(base, "team/app", "v2", "Bearer " + readOnly);
            expectError(narrow, 401, "UNAUTHORIZED", "push with a pull-only token");
            assertTrue(narrow.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"insufficient_scope\""));
            expectError(send(base, "GET", "/v2/other/repo/tags/list", null, "Authorization", "Bearer " + aliceToken),
                    401, "UNAUTHORIZED", "a token for team/app used on other/repo");

            String bobToken = token(base, basic("bob", "bob-secret-2"), "repository:team/app:pull,push,delete");
            JsonNode bobClaims = JSON.readTree(Base64.getUrlDecoder().decode(bobToken.split("\\.")[1]));
            assertEquals("[\"pull\"]", bobClaims.get("access").get(0).get("actions").toString(),
                    "scope escalation: bob asks for push and delete, gets pull only");
            expectError(pushImage(base, "team/app", "v3", "Bearer " + bobToken), 401, "UNAUTHORIZED",
                    "bob pushes with his pull-only token");
            assertEquals(200, send(base, "GET", "/v2/team/app/manifests/v1", null, "Authorization", "Bearer " + bobToken,
                    "Accept", OCI).statusCode());
            String anonymousToken = token(base, null, "repository:public/tool:pull repository:team/app:pull");
            JsonNode anonClaims = JSON.readTree(Base64.getUrlDecoder().decode(anonymousToken.split("\\.")[1]));
            assertEquals(1, anonClaims.get("access").size(), "anonymous gets public/** only: " + anonClaims);

            expectError(send(base, "GET", "/token?service=registry.test&scope=repository:team/app:pull", null,
                    "Authorization", basic("alice", "nope")), 401, "UNAUTHORIZED", "token endpoint, wrong password");

            Instant now = Instant.now();
            List<Map<String, Object>> all = access("team/app", "pull", "push");
            Map<String, String> attacks = new java.util.LinkedHashMap<>();
            attacks.put("malformed token", "not.a.jwt");
            attacks.put("garbage", "abc");
            attacks.put("expired token", mint(key, "berth-test", "registry.test", now.minusSeconds(120), now.minusSeconds(600), all));
            attacks.put("token not valid yet", mint(key, "berth-test", "registry.test", now.plusSeconds(900), now.plusSeconds(600), all));
            attacks.put("wrong audience", mint(key, "berth-test", "other-registry", now.plusSeconds(300), now, all));
            attacks.put("wrong issuer", mint(key, "evil", "registry.test", now.plusSeconds(300), now, all));
            attacks.put("signed by an untrusted key", mint(ecKey(), "berth-test", "registry.test", now.plusSeconds(300), now, all));
            attacks.put("alg none", new PlainJWT(new JWTClaimsSet.Builder().issuer("berth-test").audience("registry.test")
                    .expirationTime(Date.from(now.plusSeconds(300))).claim("access", all).build()).serialize());
            SignedJWT hs = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().issuer("berth-test")
                    .audience("registry.test").expirationTime(Date.from(now.plusSeconds(300))).claim("access", all).build());
            byte[] secret = java.util.Arrays.copyOf(key.getPublic().getEncoded(), 64);
            hs.sign(new MACSigner(secret));
            attacks.put("HS256 keyed with the public key (algorithm confusion)", hs.serialize());
            String[] parts = aliceToken.split("\\.");
            String widened = Base64.getUrlEncoder().withoutPadding().encodeToString(new String(
                    Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("team/app", "other/repo")
                    .getBytes(StandardCharsets.UTF_8));
            attacks.put("claims edited after signing", parts[0] + "." + widened + "." + parts[2]);
            for (var attack : attacks.entrySet()) {
                expectError(pushImage(base, "team/app", "x", "Bearer " + attack.getValue()), 401, "UNAUTHORIZED",
                        attack.getKey());
            }
            assertEquals(201, pushImage(base, "team/app", "v4", "Bearer " + mint(key, "berth-test", "registry.test",
                    now.plusSeconds(300), now, all)).statusCode(), "the same knobs set right are accepted");
        }
    }

    static String token(URI base, String authorization, String scope) throws Exception {
        String query = "/token?service=registry.test&scope=" + java.net.URLEncoder.encode(scope, StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = authorization == null ? send(base, "GET", query, null)
                : send(base, "GET", query, null, "Authorization", authorization);
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(r.body());
        assertEquals(body.get("token").asText(), body.get("access_token").asText());
        assertTrue(body.get("expires_in").asInt() > 0);
        return body.get("token").asText();
    }

    @Test
    @DisplayName("Bearer: tokens of an external token server, trusted by its public key, are accepted; its realm is advertised")
    void externalTokenServer() throws Exception {
        KeyPair external = ecKey();
        Path trust = writePem(dir.resolve("issuer.pub.pem"), external.getPublic());
        try (ServerProcess server = start("--auth", "token", "--token-trust", trust.toString(), "--token-realm",
                "https://auth.example.com/token", "--token-issuer", "auth.example.com", "--token-service", "registry.test")) {
            URI base = server.uri();
            assertTrue(send(base, "GET", "/v2/", null).headers().firstValue("WWW-Authenticate").orElse("")
                    .startsWith("Bearer realm=\"https://auth.example.com/token\""));
            Instant now = Instant.now();
            String token = mint(external, "auth.example.com", "registry.test", now.plusSeconds(300), now,
                    access("ext/app", "pull", "push"));
            assertEquals(201, pushImage(base, "ext/app", "v1", "Bearer " + token).statusCode());
            assertEquals(404, send(base, "GET", "/token?scope=repository:ext/app:pull", null).statusCode(),
                    "no built-in endpoint when an external server issues tokens");
        }
    }

    @Test
    @DisplayName("TLS from PEM files and self-signed, HTTP/2 where the client offers it")
    void tls() throws Exception {
        SelfSignedCertificate certificate = SelfSignedCertificate.generate("localhost");
        Path chain = writePem(dir.resolve("chain.pem"), certificate.certificate());
        java.security.PrivateKey privateKey = (java.security.PrivateKey) certificate.keyStore().getKey("server",
                SelfSignedCertificate.PASSWORD);
        Path keyFile = writePem(dir.resolve("key.pem"), pkcs8(privateKey));
        HttpClient h2 = HttpClient.newBuilder().sslContext(certificate.trustingContext())
                .version(HttpClient.Version.HTTP_2).build();
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                "--tls-cert", chain.toString(), "--tls-key", keyFile.toString())) {
            URI https = URI.create(server.uri().toString().replace("://127.0.0.1", "://localhost"));
            HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create(https + "/v2/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, r.version(), "HTTP/2 negotiated by ALPN");
            HttpClient h1 = HttpClient.newBuilder().sslContext(certificate.trustingContext())
                    .version(HttpClient.Version.HTTP_1_1).build();
            assertEquals(HttpClient.Version.HTTP_1_1, h1.send(HttpRequest.newBuilder(URI.create(https + "/v2/")).build(),
                    HttpResponse.BodyHandlers.ofString()).version(), "HTTP/1.1 for clients that only speak it");
        }
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data2").toString(),
                "--tls-self-signed", "localhost")) {
            String line = server.output().lines().filter(l -> l.startsWith("Berth TLS certificate for localhost"))
                    .findFirst().orElseThrow(() -> new AssertionError("no certificate line in " + server.output()));
            Path crt = Path.of(line.replaceAll(".*: ", ""));
            java.security.cert.X509Certificate cert = Pem.certificates(crt).get(0);
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("berth", cert);
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            URI https = URI.create(server.uri().toString().replace("://127.0.0.1", "://localhost"));
            assertEquals(200, HttpClient.newBuilder().sslContext(context).build().send(
                    HttpRequest.newBuilder(URI.create(https + "/v2/")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode(), "the written certificate is the one served");
        }
    }

    @Test
    @DisplayName("Hardening: oversize headers, long names, traversal, session floods and slow clients get clear answers")
    void hardening() throws Exception {
        try (ServerProcess server = ServerProcess.start(List.of(), "--data-dir", dir.resolve("data").toString(),
                "--max-uploads-per-client", "3", "--read-timeout", "2s", "--no-request-log", "--max-manifest-bytes",
                "4194304")) {
            URI base = server.uri();
            expectError(send(base, "GET", "/v2/", null, "X-Padding", "x".repeat(20_000)), 431, "UNSUPPORTED",
                    "20 kB of headers");
            expectError(send(base, "GET", "/v2/" + "a".repeat(256) + "/tags/list", null), 400, "NAME_INVALID",
                    "a 256-character repository name");
            expectError(send(base, "GET", "/v2/team/../secret/tags/list", null), 400, "NAME_INVALID", "path traversal");
            expectError(send(base, "GET", "/v2/team/%2e%2e/secret/tags/list", null), 400, "NAME_INVALID",
                    "encoded path traversal");
            expectError(send(base, "GET", "/v2/team/app/blobs/sha256:../../etc/passwd", null), 400, "NAME_INVALID",
                    "traversal in a digest");
            expectError(send(base, "GET", "/v2/team/app/blobs/sha256:" + "0".repeat(63) + "g", null), 400,
                    "DIGEST_INVALID", "a malformed digest");
            expectError(send(base, "PUT", "/v2/team/app/manifests/big", new byte[5 * 1024 * 1024], "Content-Type", OCI),
                    413, "MANIFEST_INVALID", "a 5 MiB manifest");

            List<String> sessions = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                HttpResponse<byte[]> r = send(base, "POST", "/v2/team/app/blobs/uploads/", new byte[0]);
                assertEquals(202, r.statusCode());
                sessions.add(r.headers().firstValue("Location").orElseThrow());
            }
            HttpResponse<byte[]> flood = send(base, "POST", "/v2/team/app/blobs/uploads/", new byte[0]);
            expectError(flood, 429, "TOOMANYREQUESTS", "a fourth open upload session");
            assertTrue(flood.headers().firstValue("Retry-After").isPresent());
            assertEquals(204, send(base, "DELETE", sessions.get(0), null).statusCode());
            assertEquals(202, send(base, "POST", "/v2/team/app/blobs/uploads/", new byte[0]).statusCode(),
                    "a cancelled session frees its slot");

            for (String slow : List.of("GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Slow: a",
                    "PUT /v2/team/app/manifests/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"schema")) {
                try (Socket socket = RawHttp.connect(base)) {
                    socket.setSoTimeout(15_000);
                    OutputStream out = socket.getOutputStream();
                    out.write(slow.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    long t0 = System.nanoTime();
                    InputStream in = socket.getInputStream();
                    byte[] sink = new byte[4096];
                    while (in.read(sink) >= 0) {
                        // an error response may come first; then the server closes
                    }
                    long waited = (System.nanoTime() - t0) / 1_000_000;
                    assertTrue(waited < 14_000, "a stalled client is cut off after the read timeout, waited " + waited + " ms");
                }
            }

            // a body that trickles one byte per second never trips the 2 s read timeout, but
            // falls under the minimum rate once the 10 s grace is over
            try (Socket socket = RawHttp.connect(base)) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v2/team/app/blobs/uploads/?digest=sha256:" + "0".repeat(64) + " HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.setSoTimeout(1000); // the pace of the trickle: one byte per read timeout
                InputStream in = socket.getInputStream();
                long t0 = System.nanoTime();
                boolean cut = false;
                for (int i = 0; i < 25 && !cut; i++) {
                    try {
                        out.write('x');
                        out.flush();
                        cut = in.read() != -2; // any answer or EOF: the server gave up on us
                    } catch (java.net.SocketTimeoutException e) {
                        // still reading our trickle
                    } catch (java.io.IOException e) {
                        cut = true; // reset
                    }
                }
                long waited = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(cut, "a trickling body is cut off");
                assertTrue(waited >= 9_000, "not before the 10 s grace: " + waited + " ms");
            }
        }
    }
}
