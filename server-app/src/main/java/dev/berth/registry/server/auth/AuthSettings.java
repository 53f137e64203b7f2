// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.auth;

import dev.berth.registry.core.AccessControl;
import dev.berth.registry.jetty.Pem;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How clients authenticate, as the server's options give it.
 *
 * @param mode      none, basic, token, or auto (basic when {@code htpasswd} is given, else none)
 * @param realm     where clients get tokens; empty: this server's {@code /token}
 * @param tokenKey  the PEM key the built-in token endpoint signs with; empty: one generated at start
 * @param trust     PEM keys or certificates of external token servers; given alone, no built-in endpoint
 */
public record AuthSettings(String mode, Optional<Path> htpasswd, Optional<Path> policy, String service, String issuer,
                           Optional<String> realm, Optional<Path> tokenKey, List<Path> trust, Duration lifetime) {
    public AuthSettings {
        Objects.requireNonNull(mode, "mode");
        trust = List.copyOf(trust);
    }

    /** No authentication: what a server started without options does. */
    public static AuthSettings none() {
        return new AuthSettings("none", Optional.empty(), Optional.empty(), "berth", "berth", Optional.empty(),
                Optional.empty(), List.of(), Duration.ofMinutes(5));
    }

    /**
     * The access control these settings describe (empty: everyone may do everything), adding
     * the token endpoint to {@code servlets} when this server issues tokens.
     */
    public Optional<AccessControl> open(Map<String, HttpServlet> servlets) throws IOException {
        String resolved = mode.equals("auto") ? (htpasswd.isPresent() ? "basic" : "none") : mode;
        Optional<Htpasswd> users = htpasswd.isEmpty() ? Optional.empty() : Optional.of(new Htpasswd(htpasswd.get()));
        AccessPolicy rules = policy.isEmpty() ? AccessPolicy.authenticatedMayDoAll() : AccessPolicy.load(policy.get());
        switch (resolved) {
            case "none" -> {
                if (policy.isPresent()) {
                    throw new IllegalArgumentException("--auth-policy needs --auth basic or token");
                }
                return Optional.empty();
            }
            case "basic" -> {
                return Optional.of(new BasicAccess(users.orElseThrow(() -> new IllegalArgumentException(
                        "--auth basic needs --htpasswd FILE")), rules, "Berth"));
            }
            case "token" -> {
                return Optional.of(tokens(users, rules, servlets));
            }
            default -> throw new IllegalArgumentException("--auth must be none, basic or token, not " + mode);
        }
    }

    private TokenVerifier tokens(Optional<Htpasswd> users, AccessPolicy rules, Map<String, HttpServlet> servlets)
            throws IOException {
        List<PublicKey> trusted = new ArrayList<>();
        for (Path p : trust) {
            trusted.add(Pem.publicKey(p));
        }
        Optional<KeyPair> signing = tokenKey.isPresent() ? Optional.of(Pem.keyPair(tokenKey.get()))
                : trusted.isEmpty() ? Optional.of(TokenIssuer.generateKey()) : Optional.empty();
        if (signing.isPresent() && users.isEmpty() && policy.isEmpty()) {
            throw new IllegalArgumentException("the built-in token endpoint needs --htpasswd (users) or "
                    + "--auth-policy (anonymous grants)");
        }
        if (signing.isEmpty() && realm.isEmpty()) {
            throw new IllegalArgumentException("with an external token server, give its --token-realm URL");
        }
        signing.ifPresent(pair -> {
            trusted.add(pair.getPublic());
            servlets.put("/token", new TokenIssuer(issuer, service, lifetime, pair, users, rules, Clock.systemUTC())
                    .servlet());
        });
        return new TokenVerifier(issuer, service, realm, trusted, rules, Clock.systemUTC());
    }
}
