// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import dev.berth.registry.core.Registry;
import java.io.IOException;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The registry servlet in a bare Jetty on 127.0.0.1 and a free port: the same few lines any host
 * needs. (The TCK cannot use server-jetty: that module depends on the backends that run the TCK.)
 */
public final class RegistryHttp implements AutoCloseable {
    private final Server server;
    private final URI uri;

    private RegistryHttp(Server server, URI uri) {
        this.server = server;
        this.uri = uri;
    }

    public static RegistryHttp serve(Registry registry) throws IOException {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setUriCompliance(UriCompliance.UNSAFE);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        context.addServlet(new ServletHolder(registry), "/*");
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            throw new IOException("could not start Jetty for the TCK", e);
        }
        return new RegistryHttp(server, URI.create("http://127.0.0.1:" + connector.getLocalPort()));
    }

    /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public URI uri() {
        return uri;
    }

    /** A client for this server. */
    public HttpTester client() {
        return new HttpTester(uri);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
