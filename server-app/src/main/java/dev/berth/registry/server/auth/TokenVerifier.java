// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.registry.api.Repository;
import dev.berth.registry.core.AccessControl;
import dev.berth.registry.core.AccessControl.Action;
import dev.berth.registry.core.AccessControl.Caller;
import dev.berth.registry.core.AccessControl.Unauthenticated;
import jakarta.servlet.http.HttpServletRequest;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Docker token authentication, the registry's side: checks the tokens clients present, whether
 * signed by this server's {@link TokenIssuer} or by an external token server whose public key or
 * certificate is trusted. Tokens carry the distribution {@code access} claim:
 * {@code [{"type":"repository","name":"NAME","actions":["pull","push"]}]}.
 */
final class TokenVerifier implements AccessControl {
    /** Clock skew tolerated on exp and nbf. */
    private static final Duration LEEWAY = Duration.ofSeconds(30);
    /** Docker's token scope for listing the catalog. */
    static final String CATALOG_SCOPE = "registry:catalog:*";

    private final String issuer;
    private final String service;
    private final Optional<String> realm;
    private final List<PublicKey> trusted;
    private final AccessPolicy policy;
    private final Clock clock;

    /**
     * @param trusted public keys whose signatures are accepted (the built-in issuer's among them)
     * @param realm   the token endpoint clients are sent to; empty: this server's {@code /token}
     */
    TokenVerifier(String issuer, String service, Optional<String> realm, List<PublicKey> trusted, AccessPolicy policy,
                  Clock clock) {
        this.issuer = issuer;
        this.service = service;
        this.realm = realm;
        this.trusted = List.copyOf(trusted);
        this.policy = policy;
        this.clock = clock;
        if (this.trusted.isEmpty()) {
            throw new IllegalArgumentException("token authentication needs a signing key or a trusted key");
        }
    }

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
}
