// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * An HTTPS registry for a made-up domain, with clients that trust its generated certificate and
 * reach it without DNS: the Java counterpart of go-containerregistry's {@code registry.TLS(domain)}.
 *
 * <pre>{@code
 * try (TlsRegistry tls = BerthServer.tls("gcr.example.com")) {
 *     HttpClient jetty = tls.jettyClient();   // https://gcr.example.com/v2/ reaches the server
 * }
 * }</pre>
 */
public final class TlsRegistry implements AutoCloseable {
    private final BerthServer server;
    private final SelfSignedCertificate certificate;
    private final List<AutoCloseable> clients = new CopyOnWriteArrayList<>();

    TlsRegistry(BerthServer server, SelfSignedCertificate certificate) {
        this.server = server;
        this.certificate = certificate;
    }

    public BerthServer server() {
        return server;
    }

    public String domain() {
        return certificate.domain();
    }

    /** {@code https://DOMAIN/}: what clients from {@link #jettyClient()} use. */
    public URI uri() {
        return URI.create("https://" + domain() + "/");
    }

    /** {@code https://127.0.0.1:PORT/}: the real address, for clients that only take an SSLContext. */
    public URI directUri() {
        return URI.create("https://127.0.0.1:" + server.port() + "/");
    }

    public SelfSignedCertificate certificate() {
        return certificate;
    }

    /** Trusts the generated certificate (which names the domain and 127.0.0.1). */
    public SSLContext sslContext() {
        return certificate.trustingContext();
    }

    /** A {@code java.net.http} client trusting the certificate; use it with {@link #directUri()}. */
    public java.net.http.HttpClient javaHttpClient() {
        return java.net.http.HttpClient.newBuilder().sslContext(sslContext())
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * A started Jetty client that trusts the certificate and sends every request for the domain
     * (any port) to this server; other hosts resolve normally. Closed with this registry.
     */
    public HttpClient jettyClient() {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setSslContext(sslContext());
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        HttpClient client = new HttpClient(new org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP(connector));
        SocketAddressResolver system = new SocketAddressResolver.Sync();
        String domain = domain();
        int port = server.port();
        client.setSocketAddressResolver(new SocketAddressResolver() {
            @Override
            public void resolve(String host, int hostPort, Map<String, Object> context,
                                Promise<List<InetSocketAddress>> promise) {
                if (host.equalsIgnoreCase(domain)) {
                    promise.succeeded(List.of(new InetSocketAddress("127.0.0.1", port)));
                } else {
                    system.resolve(host, hostPort, context, promise);
                }
            }
        });
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the Jetty client", e);
        }
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
