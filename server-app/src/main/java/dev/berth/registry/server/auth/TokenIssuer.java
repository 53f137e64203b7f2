// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.AccessControl.Action;
import dev.berth.registry.core.AccessControl.Unauthenticated;
import dev.berth.registry.core.BasicCredentials;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in token endpoint: signs short-lived JWTs granting what the policy allows the caller
 * (Basic credentials checked against htpasswd, or anonymous), for a {@link TokenVerifier} to check.
 */
final class TokenIssuer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String issuer;
    private final String service;
    private final Duration lifetime;
    private final PrivateKey signingKey;
    private final String keyId;
    private final Optional<Htpasswd> users;
    private final AccessPolicy policy;
    private final Clock clock;

    TokenIssuer(String issuer, String service, Duration lifetime, KeyPair signing, Optional<Htpasswd> users,
                AccessPolicy policy, Clock clock) {
        this.issuer = issuer;
        this.service = service;
        this.lifetime = lifetime;
        this.signingKey = signing.getPrivate();
        this.keyId = keyId(signing.getPublic());
        this.users = users;
        this.policy = policy;
        this.clock = clock;
    }

    /** A fresh P-256 key pair for the built-in issuer: tokens stop verifying at restart, which their 5 minutes allow. */
    static KeyPair generateKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String keyId(PublicKey key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code GET /token?service=…&scope=repository:NAME:pull,push} with optional Basic credentials. */
    HttpServlet servlet() {
        return new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                issue(request, response);
            }
        };
    }

    private void issue(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        Optional<String> user;
        try {
            Optional<BasicCredentials> credentials = BasicCredentials.parse(request);
            if (credentials.isPresent() && users.isEmpty()) {
                throw new Unauthenticated("this token endpoint has no users");
            }
            user = credentials.isEmpty() ? Optional.empty()
                    : Optional.of(BasicAccess.login(users.get(), credentials.get(), request));
        } catch (Unauthenticated e) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + service + "\", charset=\"UTF-8\"");
            error(response, 401, "UNAUTHORIZED", e.getMessage());
            return;
        }
        String requestedService = request.getParameter("service");
        if (requestedService != null && !requestedService.equals(service)) {
            error(response, 400, "DENIED", "this endpoint issues tokens for service " + service);
            return;
        }
        List<Map<String, Object>> access = new ArrayList<>();
        String[] scopes = Optional.ofNullable(request.getParameterValues("scope")).orElse(new String[0]);
        for (String param : scopes) {
            for (String scope : param.trim().split(" +")) {
                grant(user, scope).ifPresent(access::add);
            }
        }
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer).subject(user.orElse("")).audience(service)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(HexFormat.of().formatHex(randomBytes(16)))
                .claim("access", access).build();
        PrivateKey key = signingKey;
        JWSAlgorithm algorithm = key instanceof ECPrivateKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT)
                .keyID(keyId).build(), claims);
        try {
            JWSSigner signer = key instanceof ECPrivateKey ec ? new ECDSASigner(ec, Curve.P_256)
                    : new RSASSASigner((RSAPrivateKey) key);
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IOException("could not sign a token", e);
        }
        String token = jwt.serialize();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        body.put("access_token", token);
        body.put("expires_in", lifetime.toSeconds());
        body.put("issued_at", now.toString());
        response.setStatus(200);
        response.setContentType("application/json");
        JSON.writeValue(response.getOutputStream(), body);
    }

    /** The part of {@code repository:NAME:a,b} the policy allows {@code user}; empty when nothing. */
    private Optional<Map<String, Object>> grant(Optional<String> user, String scope) {
        int first = scope.indexOf(':');
        int last = scope.lastIndexOf(':');
        if (scope.equals(TokenVerifier.CATALOG_SCOPE)) {
            // anyone may ask: the listing shows only what the policy lets the subject pull
            return Optional.of(Map.of("type", "registry", "name", "catalog", "actions", List.of("*")));
        }
        if (first < 0 || last == first || !scope.substring(0, first).equals("repository")) {
            return Optional.empty();
        }
        Repository repo;
        try {
            repo = Repository.parse(scope.substring(first + 1, last));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        List<String> granted = new ArrayList<>();
        for (String wanted : scope.substring(last + 1).split(",")) {
            Set<Action> actions = wanted.equals("*") ? EnumSet.allOf(Action.class)
                    : Action.fromScopeName(wanted).map(EnumSet::of).orElse(EnumSet.noneOf(Action.class));
            for (Action action : actions) {
                if (policy.permits(user, repo, action) && !granted.contains(action.scopeName())) {
                    granted.add(action.scopeName());
                }
            }
        }
        if (granted.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("type", "repository");
        entry.put("name", repo.name());
        entry.put("actions", granted);
        return Optional.of(entry);
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static void error(HttpServletResponse response, int status, String code, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        JSON.writeValue(response.getOutputStream(), Map.of("errors", List.of(Map.of("code", code, "message", message))));
    }
}
