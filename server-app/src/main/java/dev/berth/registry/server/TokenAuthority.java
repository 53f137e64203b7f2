// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.AccessControl;
import dev.berth.registry.core.AccessControl.Action;
import dev.berth.registry.core.AccessControl.Caller;
import dev.berth.registry.core.AccessControl.Unauthenticated;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Docker token authentication: signs short-lived JWTs at the built-in token endpoint and checks
 * the tokens clients present, whether signed here or by an external token server whose public
 * key or certificate is trusted. Tokens carry the distribution {@code access} claim:
 * {@code [{"type":"repository","name":"NAME","actions":["pull","push"]}]}.
 */
final class TokenAuthority implements AccessControl {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Clock skew tolerated on exp and nbf. */
    private static final Duration LEEWAY = Duration.ofSeconds(30);

    private final String issuer;
    private final String service;
    private final Optional<String> realm;
    private final Duration lifetime;
    private final Optional<PrivateKey> signingKey;
    private final Optional<String> keyId;
    private final List<PublicKey> trusted;
    private final Optional<Htpasswd> users;
    private final AccessPolicy policy;
    private final Clock clock;

    /**
     * @param signingKey the key the built-in endpoint signs with; empty when an external server issues tokens
     * @param trusted    public keys whose signatures are accepted (the signing key's is added)
     * @param realm      the token endpoint clients are sent to; empty: this server's {@code /token}
     */
    TokenAuthority(String issuer, String service, Optional<String> realm, Duration lifetime,
                   Optional<PrivateKey> signingKey, Optional<PublicKey> signingPublicKey, List<PublicKey> trusted,
                   Optional<Htpasswd> users, AccessPolicy policy, Clock clock) {
        this.issuer = issuer;
        this.service = service;
        this.realm = realm;
        this.lifetime = lifetime;
        this.signingKey = signingKey;
        this.keyId = signingPublicKey.map(TokenAuthority::keyId);
        List<PublicKey> all = new ArrayList<>(trusted);
        signingPublicKey.ifPresent(all::add);
        this.trusted = List.copyOf(all);
        this.users = users;
        this.policy = policy;
        this.clock = clock;
        if (this.trusted.isEmpty()) {
            throw new IllegalArgumentException("token authentication needs a signing key or a trusted key");
        }
    }

    /** A fresh P-256 key pair for the built-in issuer: tokens stop verifying at restart, which their 5 minutes allow. */
    static java.security.KeyPair generateKey() {
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

    boolean issues() {
        return signingKey.isPresent();
    }

    // ---- the registry side: checking tokens ----

    @Override
    public Caller authenticate(HttpServletRequest request) throws Unauthenticated {
        String header = request.getHeader("Authorization");
        if (header == null) {
            return new TokenCaller("anonymous", false, Map.of(), false, policy);
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new Unauthenticated("this registry takes Bearer tokens; get one from the realm in WWW-Authenticate");
        }
        return verify(header.substring(7).trim());
    }

    TokenCaller verify(String token) throws Unauthenticated {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new Unauthenticated("malformed token");
        }
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        boolean verified = false;
        for (PublicKey key : trusted) {
            JWSVerifier verifier = verifier(key);
            if (verifier == null || !verifier.supportedJWSAlgorithms().contains(algorithm)) {
                continue; // no algorithm confusion: a key only checks signatures of its own kind
            }
            try {
                if (jwt.verify(verifier)) {
                    verified = true;
                    break;
                }
            } catch (JOSEException e) {
                // wrong curve or size for this key: try the next
            }
        }
        if (!verified) {
            throw new Unauthenticated("token signature is not from a trusted issuer");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new Unauthenticated("malformed token claims");
        }
        Instant now = clock.instant();
        if (!issuer.equals(claims.getIssuer())) {
            throw new Unauthenticated("token issuer is not " + issuer);
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(service)) {
            throw new Unauthenticated("token audience is not " + service);
        }
        if (claims.getExpirationTime() == null || !claims.getExpirationTime().toInstant().plus(LEEWAY).isAfter(now)) {
            throw new Unauthenticated("token expired");
        }
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().minus(LEEWAY).isAfter(now)) {
            throw new Unauthenticated("token not valid yet");
        }
        Map<Repository, Set<Action>> grants = new HashMap<>();
        boolean catalog = false;
        Object access = claims.getClaim("access");
        if (access instanceof List<?> entries) {
            for (Object entry : entries) {
                if (entry instanceof Map<?, ?> m && "registry".equals(m.get("type")) && "catalog".equals(m.get("name"))
                        && m.get("actions") instanceof List<?> actions && actions.contains("*")) {
                    catalog = true;
                }
                if (entry instanceof Map<?, ?> m && "repository".equals(m.get("type")) && m.get("name") instanceof String n
                        && m.get("actions") instanceof List<?> actions) {
                    try {
                        Repository repo = Repository.parse(n);
                        Set<Action> set = grants.computeIfAbsent(repo, r -> EnumSet.noneOf(Action.class));
                        actions.forEach(a -> Action.fromScopeName(String.valueOf(a)).ifPresent(set::add));
                    } catch (IllegalArgumentException e) {
                        // a name we would never serve: grants nothing
                    }
                }
            }
        }
        String subject = claims.getSubject() == null || claims.getSubject().isEmpty() ? "anonymous" : claims.getSubject();
        return new TokenCaller(subject, true, grants, catalog, policy);
    }

    private static JWSVerifier verifier(PublicKey key) {
        try {
            if (key instanceof ECPublicKey ec) {
                return new ECDSAVerifier(ec);
            }
            if (key instanceof RSAPublicKey rsa) {
                return new RSASSAVerifier(rsa);
            }
        } catch (JOSEException e) {
            return null;
        }
        return null;
    }

    @Override
    public String challenge(HttpServletRequest request, Optional<Scope> scope, boolean insufficientScope) {
        StringBuilder c = new StringBuilder("Bearer realm=\"").append(realm.orElseGet(() -> ownRealm(request)))
                .append("\",service=\"").append(service).append('"');
        scope.ifPresent(s -> c.append(",scope=\"").append(s).append('"'));
        if (insufficientScope) {
            c.append(",error=\"insufficient_scope\"");
        }
        return c.toString();
    }

    @Override
    public String catalogChallenge(HttpServletRequest request) {
        return challenge(request, Optional.empty(), false) + ",scope=\"" + CATALOG_SCOPE + "\"";
    }

    /** Docker's token scope for listing the catalog. */
    static final String CATALOG_SCOPE = "registry:catalog:*";

    private static String ownRealm(HttpServletRequest request) {
        String host = Optional.ofNullable(request.getHeader("Host")).filter(h -> h.matches("[A-Za-z0-9.:\\[\\]-]+"))
                .orElse(request.getLocalAddr() + ":" + request.getLocalPort());
        return request.getScheme() + "://" + host + "/token";
    }

    /**
     * A token holder: exactly the grants its token lists; with the catalog grant it lists the
     * repositories the policy lets its subject pull.
     */
    record TokenCaller(String name, boolean authenticated, Map<Repository, Set<Action>> grants, boolean catalog,
                       AccessPolicy policy) implements Caller {
        @Override
        public boolean may(Repository repository, Action action) {
            return grants.getOrDefault(repository, Set.of()).contains(action);
        }

        @Override
        public boolean mayList(Repository repository) {
            Optional<String> subject = authenticated && !name.equals("anonymous") ? Optional.of(name) : Optional.empty();
            return may(repository, Action.PULL) || (catalog && policy.permits(subject, repository, Action.PULL));
        }

        @Override
        public boolean mayPullSomewhere() {
            return authenticated || policy.anonymousMayPullSomewhere();
        }

        @Override
        public boolean mayRetry() {
            return true; // a token for a wider scope may be granted
        }
    }

    // ---- the token endpoint: issuing tokens ----

    /** {@code GET /token?service=…&scope=repository:NAME:pull,push} with optional Basic credentials. */
    HttpServlet endpoint() {
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
            Optional<BasicAccess.Credentials> credentials = BasicAccess.parse(request, "Basic");
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
        PrivateKey key = signingKey.orElseThrow();
        JWSAlgorithm algorithm = key instanceof ECPrivateKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT)
                .keyID(keyId.orElse(null)).build(), claims);
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
        if (scope.equals(CATALOG_SCOPE)) {
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
