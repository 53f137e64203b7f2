// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import dev.berth.registry.jetty.SelfSignedCertificate;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;

/**
 * A {@link TlsRegistry}'s certificate as files tools read.
 *
 * @param caCertificate  the certificate in PEM ({@code curl --cacert}, {@code SSL_CERT_FILE})
 * @param trustStore     a PKCS#12 trust store holding it, password {@link #PASSWORD}
 *                       ({@code -Djavax.net.ssl.trustStore=…}, Jib, Maven)
 * @param certsDirectory a {@code certs.d} directory with {@code HOST:PORT/ca.crt} for each name of
 *                       the server ({@code skopeo --dest-cert-dir certs.d/HOST:PORT}, podman's
 *                       and docker's {@code /etc/…/certs.d})
 */
public record TrustFiles(Path caCertificate, Path trustStore, Path certsDirectory) {
    public static final String PASSWORD = "changeit";

    /** The {@code certs.d} entry for {@code host:port}, a directory holding {@code ca.crt}. */
    public Path certsDirectoryFor(String hostAndPort) {
        return certsDirectory.resolve(hostAndPort);
    }

    /** Writes {@code certificate}'s files under {@code directory}, with {@code certs.d} entries for each of {@code hosts} at {@code port}. */
    public static TrustFiles write(SelfSignedCertificate certificate, Path directory, List<String> hosts, int port)
            throws IOException {
        Files.createDirectories(directory);
        byte[] pem;
        try {
            pem = ("-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.certificate().getEncoded())
                    + "\n-----END CERTIFICATE-----\n").getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IOException("could not encode the certificate", e);
        }
        Path ca = Files.write(directory.resolve("ca.crt"), pem);
        Path store = directory.resolve("truststore.p12");
        try (OutputStream out = Files.newOutputStream(store)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(certificate.domain(), certificate.certificate());
            trust.store(out, PASSWORD.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IOException("could not write the trust store", e);
        }
        Path certs = directory.resolve("certs.d");
        for (String host : hosts) {
            Path entry = Files.createDirectories(certs.resolve(host + ":" + port));
            Files.write(entry.resolve("ca.crt"), pem);
        }
        return new TrustFiles(ca, store, certs);
    }
}
