// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import dev.berth.registry.jetty.Pem;
import dev.berth.registry.jetty.SelfSignedCertificate;
import dev.berth.registry.core.AccessControl;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Turns the server's security options into an {@link AccessControl} and a TLS context. */
final class Security {
    private Security() {
    }

    static Optional<AccessControl> access(Main options, Map<String, HttpServlet> servlets) throws IOException {
        String mode = options.auth.equals("auto") ? (options.htpasswd != null ? "basic" : "none") : options.auth;
        Optional<Htpasswd> users = options.htpasswd == null ? Optional.empty() : Optional.of(new Htpasswd(options.htpasswd));
        AccessPolicy policy = options.authPolicy == null ? AccessPolicy.authenticatedMayDoAll()
                : AccessPolicy.load(options.authPolicy);
        switch (mode) {
            case "none" -> {
                if (options.authPolicy != null) {
                    throw new IllegalArgumentException("--auth-policy needs --auth basic or token");
                }
                return Optional.empty();
            }
            case "basic" -> {
                return Optional.of(new BasicAccess(users.orElseThrow(() -> new IllegalArgumentException(
                        "--auth basic needs --htpasswd FILE")), policy, "Berth"));
            }
            case "token" -> {
                List<PublicKey> trusted = new ArrayList<>();
                for (Path p : options.tokenTrust) {
                    trusted.add(Pem.publicKey(p));
                }
                Optional<PrivateKey> signing = Optional.empty();
                Optional<PublicKey> signingPublic = Optional.empty();
                if (options.tokenKey != null) {
                    KeyPair pair = Pem.keyPair(options.tokenKey);
                    signing = Optional.of(pair.getPrivate());
                    signingPublic = Optional.of(pair.getPublic());
                } else if (trusted.isEmpty()) {
                    KeyPair generated = TokenAuthority.generateKey();
                    signing = Optional.of(generated.getPrivate());
                    signingPublic = Optional.of(generated.getPublic());
                }
                if (signing.isPresent() && users.isEmpty() && options.authPolicy == null) {
                    throw new IllegalArgumentException("the built-in token endpoint needs --htpasswd (users) or "
                            + "--auth-policy (anonymous grants)");
                }
                if (signing.isEmpty() && options.tokenRealm == null) {
                    throw new IllegalArgumentException("with an external token server, give its --token-realm URL");
                }
                TokenAuthority authority = new TokenAuthority(options.tokenIssuer, options.tokenService,
                        Optional.ofNullable(options.tokenRealm), Main.duration("--token-lifetime", options.tokenLifetime),
                        signing, signingPublic, trusted, users, policy, Clock.systemUTC());
                if (authority.issues()) {
                    servlets.put("/token", authority.endpoint());
                }
                return Optional.of(authority);
            }
            default -> throw new IllegalArgumentException("--auth must be none, basic or token, not " + options.auth);
        }
    }

    static Optional<SslContextFactory.Server> tls(Main options, PrintWriter out) throws IOException {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSniRequired(false);
        tls.setKeyStorePassword(new String(SelfSignedCertificate.PASSWORD));
        if (options.tlsCert != null || options.tlsKey != null) {
            if (options.tlsCert == null || options.tlsKey == null || options.tlsSelfSigned != null) {
                throw new IllegalArgumentException("give --tls-cert and --tls-key together, or --tls-self-signed alone");
            }
            tls.setKeyStore(Pem.keyStore(options.tlsCert, options.tlsKey));
            return Optional.of(tls);
        }
        if (options.tlsSelfSigned != null) {
            SelfSignedCertificate certificate = SelfSignedCertificate.generate(options.tlsSelfSigned);
            Path dir = options.dataDir.resolve("tls");
            Files.createDirectories(dir);
            Path crt = dir.resolve(options.tlsSelfSigned + ".crt");
            try (Writer w = Files.newBufferedWriter(crt, StandardCharsets.US_ASCII);
                 JcaPEMWriter pem = new JcaPEMWriter(w)) {
                pem.writeObject(certificate.certificate());
            }
            out.println("Berth TLS certificate for " + options.tlsSelfSigned + " (trust it in clients): "
                    + crt.toAbsolutePath());
            tls.setKeyStore(certificate.keyStore());
            return Optional.of(tls);
        }
        return Optional.empty();
    }
}
