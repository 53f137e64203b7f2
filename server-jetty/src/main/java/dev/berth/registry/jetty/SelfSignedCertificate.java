// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A certificate for one domain (and 127.0.0.1), generated on the fly with Bouncy Castle: the
 * counterpart of go-containerregistry's {@code registry.TLS(domain)} certificate.
 */
public final class SelfSignedCertificate {
    public static final char[] PASSWORD = "berth".toCharArray();

    private final String domain;
    private final KeyStore keyStore;
    private final X509Certificate certificate;

    private SelfSignedCertificate(String domain, KeyStore keyStore, X509Certificate certificate) {
        this.domain = domain;
        this.keyStore = keyStore;
        this.certificate = certificate;
    }

    /** A P-256 key and a certificate valid for a day, naming {@code domain}, localhost and 127.0.0.1. */
    public static SelfSignedCertificate generate(String domain) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keys = generator.generateKeyPair();
            X500Principal name = new X500Principal("CN=" + domain);
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, domain),
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress())}));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", keys.getPrivate(), PASSWORD, new X509Certificate[] {certificate});
            return new SelfSignedCertificate(domain, store, certificate);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
                 | java.io.IOException e) {
            throw new IllegalStateException("could not generate a certificate for " + domain, e);
        }
    }

    public String domain() {
        return domain;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The key and certificate, for the server (password {@code berth}). */
    public KeyStore keyStore() {
        return keyStore;
    }

    /** Jetty's server side of it: this key store, any SNI name (clients may dial 127.0.0.1). */
    public SslContextFactory.Server serverContext() {
        SslContextFactory.Server context = new SslContextFactory.Server();
        context.setKeyStore(keyStore);
        context.setKeyStorePassword(new String(PASSWORD));
        context.setSniRequired(false);
        return context;
    }

    /** A client context that trusts this certificate and nothing else. */
    public SSLContext trustingContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(domain, certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
