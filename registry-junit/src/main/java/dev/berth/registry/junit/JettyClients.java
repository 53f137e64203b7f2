// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Jetty clients for {@link TlsRegistry}; only this class names jetty-client's types (an optional dependency). */
final class JettyClients {
    private JettyClients() {
    }

    /** A started client trusting {@code trust} that sends requests for {@code domain} to {@code address}. */
    static HttpClient resolving(SSLContext trust, String domain, InetSocketAddress address) {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setSslContext(trust);
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        SocketAddressResolver system = new SocketAddressResolver.Sync();
        client.setSocketAddressResolver(new SocketAddressResolver() {
            @Override
            public void resolve(String host, int port, Map<String, Object> context,
                                Promise<List<InetSocketAddress>> promise) {
                if (host.equalsIgnoreCase(domain)) {
                    promise.succeeded(List.of(address));
                } else {
                    system.resolve(host, port, context, promise);
                }
            }
        });
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the Jetty client", e);
        }
        return client;
    }
}
