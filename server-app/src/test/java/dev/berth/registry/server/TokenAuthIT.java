// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static dev.berth.registry.server.SecurityIT.JSON;
import static dev.berth.registry.server.SecurityIT.OCI;
import static dev.berth.registry.server.SecurityIT.basic;
import static dev.berth.registry.server.SecurityIT.expectError;
import static dev.berth.registry.server.SecurityIT.pkcs8;
import static dev.berth.registry.server.SecurityIT.pushImage;
import static dev.berth.registry.server.SecurityIT.send;
import static dev.berth.registry.server.SecurityIT.start;
import static dev.berth.registry.server.SecurityIT.writePem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker token authentication against the packaged server: the built-in token endpoint and an
 * external token server trusted by its key, with the attack each check tries in its name.
 */
class TokenAuthIT {
    @TempDir
    Path dir;

    static KeyPair ecKey() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
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
        try (ServerProcess server = start(dir, "--auth", "token", "--token-key", keyPem.toString(), "--token-service",
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
        try (ServerProcess server = start(dir, "--auth", "token", "--token-trust", trust.toString(), "--token-realm",
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
}
