// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import dev.berth.registry.core.Registry;
import dev.berth.registry.jetty.SelfSignedCertificate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS registry for a made-up domain, with clients that trust its generated certificate, and
 * the certificate as files for tools (PEM, a PKCS#12 trust store, a {@code certs.d} directory):
 * the Java counterpart of go-containerregistry's {@code registry.TLS(domain)}.
 */
public final class TlsRegistry implements AutoCloseable {
    private final TestRegistry server;
    private final SelfSignedCertificate certificate;
    private final List<AutoCloseable> clients = new CopyOnWriteArrayList<>();

    TlsRegistry(TestRegistry server, SelfSignedCertificate certificate) {
        this.server = server;
        this.certificate = certificate;
    }

    public TestRegistry server() {
        return server;
    }

    public Registry registry() {
        return server.registry();
    }

    public String domain() {
        return certificate.domain();
    }

    /** {@code https://DOMAIN/}: what clients from {@link #jettyClient()} use. */
    public URI uri() {
        return URI.create("https://" + domain() + "/");
    }

    /** {@code https://127.0.0.1:PORT/}: the real address, which the certificate also names. */
    public URI directUri() {
        return server.uri();
    }

    /** {@code 127.0.0.1:PORT}: the registry part of an image reference for tools given {@link #writeTrustFiles}. */
    public String host() {
        return server.host();
    }

    public SelfSignedCertificate certificate() {
        return certificate;
    }

    /** Trusts the generated certificate (which names the domain, localhost and 127.0.0.1). */
    public SSLContext sslContext() {
        return certificate.trustingContext();
    }

    /**
     * A {@code java.net.http} client trusting the certificate, for {@link #directUri()}; it speaks
     * HTTP/2 when the server offers it (with Jetty's HTTP/2 jars on the class path), else HTTP/1.1.
     */
    public java.net.http.HttpClient javaHttpClient() {
        return server.httpClient();
    }

    /** Random images, indexes and artifacts pushed here over HTTPS in one call. */
    public Fixtures fixtures() {
        return server.fixtures();
    }

    /**
     * Writes the certificate where tools look for it, under {@code directory}: {@code ca.crt} (PEM),
     * {@code truststore.p12} (PKCS#12, password {@link TrustFiles#PASSWORD}) and
     * {@code certs.d/HOST:PORT/ca.crt} for {@code 127.0.0.1}, {@code localhost} and the domain
     * (the layout of docker's, podman's and skopeo's {@code certs.d}).
     */
    public TrustFiles writeTrustFiles(java.nio.file.Path directory) throws IOException {
        return TrustFiles.write(certificate, directory, List.of("127.0.0.1", "localhost", domain()), server.port());
    }

    /**
     * A started Jetty client that trusts the certificate and sends every request for the domain
     * (any port) to this server; other hosts resolve normally. Closed with this registry. Needs
     * {@code org.eclipse.jetty:jetty-client} on the test class path.
     */
    public org.eclipse.jetty.client.HttpClient jettyClient() {
        try {
            Class.forName("org.eclipse.jetty.client.HttpClient", false, TlsRegistry.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("jettyClient() needs org.eclipse.jetty:jetty-client on the test class path;"
                    + " javaHttpClient() needs nothing more", e);
        }
        org.eclipse.jetty.client.HttpClient client = JettyClients.resolving(sslContext(), domain(),
                new InetSocketAddress("127.0.0.1", server.port()));
        clients.add(client::stop);
        return client;
    }

    @Override
    public void close() throws IOException {
        for (AutoCloseable client : clients) {
            try {
                client.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        server.close();
    }
}
