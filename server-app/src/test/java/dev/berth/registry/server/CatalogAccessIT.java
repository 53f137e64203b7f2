// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.tck.HttpTester;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog under authentication: a challenge for anonymous callers, a token scope that lists. */
class CatalogAccessIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** SecurityIT's policy without its one anonymous rule: anonymous callers may pull nothing. */
    private static final String PRIVATE = withoutAnonymousRule(SecurityIT.POLICY);

    private static String withoutAnonymousRule(String policy) {
        String rule = "  - repositories: [\"public/**\"]\n    anonymous: [pull]\n";
        if (!policy.contains(rule)) {
            throw new IllegalStateException("SecurityIT.POLICY changed: its anonymous rule is not\n" + rule);
        }
        return policy.replace(rule, "");
    }

    @TempDir
    Path dir;

    private ServerProcess start(String policy, String... extra) throws Exception {
        SecurityIT.writeHtpasswd(dir.resolve("htpasswd"), Map.of("alice", "alice-secret-1", "bob", "bob-secret-2"));
        Path policyFile = Files.writeString(dir.resolve("policy-" + policy.hashCode() + ".yaml"), policy);
        List<String> args = new ArrayList<>(List.of("--data-dir", dir.resolve("data-" + extra.length).toString(),
                "--htpasswd", dir.resolve("htpasswd").toString(), "--auth-policy", policyFile.toString(),
                "--gc-interval", "off"));
        args.addAll(List.of(extra));
        return ServerProcess.start(List.of(), args.toArray(String[]::new));
    }

    private static List<String> repositories(HttpResponse<byte[]> catalog) throws Exception {
        assertEquals(200, catalog.statusCode(), new String(catalog.body()));
        List<String> names = new ArrayList<>();
        JSON.readTree(catalog.body()).get("repositories").forEach(n -> names.add(n.asText()));
        return names;
    }

    @Test
    @DisplayName("Basic: anonymous _catalog is 401 with a challenge when anonymous may pull nothing, a filtered 200 when it may")
    void anonymousCatalogBasic() throws Exception {
        String alice = SecurityIT.basic("alice", "alice-secret-1");
        try (ServerProcess server = start(PRIVATE)) {
            URI base = server.uri();
            assertEquals(201, SecurityIT.pushImage(base, "team/app", "v1", alice).statusCode());
            assertEquals(201, SecurityIT.pushImage(base, "secret/app", "v1", alice).statusCode());
            HttpResponse<byte[]> anonymous = new HttpTester(base).get("/v2/_catalog");
            SecurityIT.expectError(anonymous, 401, "UNAUTHORIZED", "anonymous catalog");
            assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="),
                    anonymous.headers().toString());
            assertEquals(List.of("team/app"), repositories(new HttpTester(base).send("GET", "/v2/_catalog", (byte[]) null,
                    "Authorization", SecurityIT.basic("bob", "bob-secret-2"))), "bob lists what he may pull");
        }
        try (ServerProcess server = start(SecurityIT.POLICY)) { // public/** is anonymous: it may list that
            URI base = server.uri();
            assertEquals(201, SecurityIT.pushImage(base, "public/tool", "v1", alice).statusCode());
            assertEquals(201, SecurityIT.pushImage(base, "team/app", "v1", alice).statusCode());
            assertEquals(List.of("public/tool"), repositories(new HttpTester(base).get("/v2/_catalog")));
        }
    }

    @Test
    @DisplayName("Bearer: anonymous _catalog is challenged with scope registry:catalog:*; a token for it lists what the user may pull")
    void catalogScopeInTokens() throws Exception {
        KeyPair key = TokenAuthIT.ecKey();
        Path keyPem = SecurityIT.writePem(dir.resolve("token-key.pem"), SecurityIT.pkcs8(key.getPrivate()));
        try (ServerProcess server = start(PRIVATE, "--auth", "token", "--token-key", keyPem.toString(),
                "--token-service", "registry.test", "--token-issuer", "berth-test")) {
            URI base = server.uri();
            String aliceToken = TokenAuthIT.token(base, SecurityIT.basic("alice", "alice-secret-1"),
                    "repository:team/app:pull,push repository:secret/app:pull,push");
            assertEquals(201, SecurityIT.pushImage(base, "team/app", "v1", "Bearer " + aliceToken).statusCode());
            assertEquals(201, SecurityIT.pushImage(base, "secret/app", "v1", "Bearer " + aliceToken).statusCode());

            HttpResponse<byte[]> anonymous = new HttpTester(base).get("/v2/_catalog");
            SecurityIT.expectError(anonymous, 401, "UNAUTHORIZED", "anonymous catalog");
            assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("")
                    .contains("scope=\"registry:catalog:*\""), anonymous.headers().toString());

            String bobToken = TokenAuthIT.token(base, SecurityIT.basic("bob", "bob-secret-2"), "registry:catalog:*");
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(bobToken.split("\\.")[1]));
            assertEquals("catalog", claims.get("access").get(0).get("name").asText(), claims.toString());
            assertEquals(List.of("team/app"), repositories(new HttpTester(base).send("GET", "/v2/_catalog", (byte[]) null,
                    "Authorization", "Bearer " + bobToken)), "the policy's pull rights filter the listing");
            String aliceCatalog = TokenAuthIT.token(base, SecurityIT.basic("alice", "alice-secret-1"), "registry:catalog:*");
            assertEquals(List.of("secret/app", "team/app"), repositories(new HttpTester(base).send("GET", "/v2/_catalog", (byte[]) null,
                    "Authorization", "Bearer " + aliceCatalog)));
        }
    }
}
