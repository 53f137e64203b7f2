// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.cli;

import dev.berth.registry.jetty.Pem;
import dev.berth.registry.jetty.SelfSignedCertificate;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * What HTTPS is served with: a given certificate and key, or one generated for a host name.
 *
 * @param selfSigned the host name to generate a certificate for, written to {@code certDir/HOST.crt}
 */
record TlsSettings(Optional<Path> cert, Optional<Path> key, Optional<String> selfSigned, Path certDir) {
    /** The TLS context for the listener; empty: plain HTTP. */
    Optional<SslContextFactory.Server> context(PrintWriter out) throws IOException {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setSniRequired(false);
        tls.setKeyStorePassword(new String(SelfSignedCertificate.PASSWORD));
        if (cert.isPresent() || key.isPresent()) {
            if (cert.isEmpty() || key.isEmpty() || selfSigned.isPresent()) {
                throw new IllegalArgumentException("give --tls-cert and --tls-key together, or --tls-self-signed alone");
            }
            tls.setKeyStore(Pem.keyStore(cert.get(), key.get()));
            return Optional.of(tls);
        }
        if (selfSigned.isPresent()) {
            SelfSignedCertificate certificate = SelfSignedCertificate.generate(selfSigned.get());
            Files.createDirectories(certDir);
            Path crt = certDir.resolve(selfSigned.get() + ".crt");
            try (Writer w = Files.newBufferedWriter(crt, StandardCharsets.US_ASCII);
                 JcaPEMWriter pem = new JcaPEMWriter(w)) {
                pem.writeObject(certificate.certificate());
            }
            out.println("Berth TLS certificate for " + selfSigned.get() + " (trust it in clients): "
                    + crt.toAbsolutePath());
            tls.setKeyStore(certificate.keyStore());
            return Optional.of(tls);
        }
        return Optional.empty();
    }
}
