// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** PEM files as operators have them (openssl, certbot, cert-manager), parsed by Bouncy Castle. */
public final class Pem {
    private Pem() {
    }

    private static List<Object> objects(Path file) throws IOException {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                objects.add(o);
            }
        }
        if (objects.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no PEM object");
        }
        return objects;
    }

    /** Every certificate in {@code file}, in order (leaf first for a chain). */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            for (Object o : objects(file)) {
                if (o instanceof X509CertificateHolder holder) {
                    certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": unreadable certificate: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no CERTIFICATE");
        }
        return certificates;
    }

    /** The private key in {@code file} (PKCS#8, or a traditional RSA / EC key pair). */
    public static PrivateKey privateKey(Path file) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : objects(file)) {
            if (o instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
        }
        throw new IllegalArgumentException(file + " holds no unencrypted PRIVATE KEY");
    }

    /**
     * The key pair in {@code file}: a traditional key pair PEM (openssl ecparam -genkey, genrsa),
     * or a PKCS#8 RSA key, whose public half follows from the private one.
     */
    public static java.security.KeyPair keyPair(Path file) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : objects(file)) {
            PrivateKeyInfo info = o instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo()
                    : o instanceof PrivateKeyInfo i ? i : null;
            if (info != null) {
                PrivateKey key = converter.getPrivateKey(info);
                if (key instanceof java.security.interfaces.ECPrivateKey ec) {
                    return new java.security.KeyPair(ecPublicOf(ec), key);
                }
                if (key instanceof java.security.interfaces.RSAPrivateCrtKey rsa) {
                    try {
                        PublicKey pub = java.security.KeyFactory.getInstance("RSA").generatePublic(
                                new java.security.spec.RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
                        return new java.security.KeyPair(pub, key);
                    } catch (GeneralSecurityException e) {
                        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
                    }
                }
                throw new IllegalArgumentException(file + ": an EC or RSA private key is needed");
            }
        }
        throw new IllegalArgumentException(file + " holds no unencrypted PRIVATE KEY");
    }

    /** The public half of an EC key: Q = d·G on its curve. */
    private static PublicKey ecPublicOf(java.security.interfaces.ECPrivateKey key) {
        try {
            org.bouncycastle.jce.spec.ECParameterSpec spec =
                    org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util.convertSpec(key.getParams());
            org.bouncycastle.math.ec.ECPoint q = spec.getG().multiply(key.getS()).normalize();
            java.security.spec.ECPoint w = new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(),
                    q.getAffineYCoord().toBigInteger());
            return java.security.KeyFactory.getInstance("EC").generatePublic(
                    new java.security.spec.ECPublicKeySpec(w, key.getParams()));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("could not derive the public key: " + e.getMessage(), e);
        }
    }

    /** The public key of {@code file}: a PUBLIC KEY, or the first CERTIFICATE's. */
    public static PublicKey publicKey(Path file) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : objects(file)) {
            if (o instanceof SubjectPublicKeyInfo info) {
                return converter.getPublicKey(info);
            }
            if (o instanceof X509CertificateHolder) {
                return certificates(file).get(0).getPublicKey();
            }
        }
        throw new IllegalArgumentException(file + " holds no PUBLIC KEY or CERTIFICATE");
    }

    /** A key store with the key and its chain, for Jetty (password {@code berth}). */
    public static KeyStore keyStore(Path chain, Path key) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", privateKey(key), SelfSignedCertificate.PASSWORD,
                    certificates(chain).toArray(X509Certificate[]::new));
            return store;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the key in " + key + " does not fit the certificate in " + chain
                    + ": " + e.getMessage(), e);
        }
    }
}
