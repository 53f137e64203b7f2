// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Registry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

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

    /** Sends one request; {@code headers} are name, value, name, value… */
    public HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Pushes a config ({@code {}}) and {@code layer} to {@code repo}, each in one POST, and returns
     * an OCI image manifest naming them, for the caller to PUT under the tags it wants.
     */
    public byte[] imageManifest(String repo, byte[] layer) throws IOException, InterruptedException {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        for (byte[] blob : List.of(config, layer)) {
            HttpResponse<byte[]> r = send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + Digest.sha256(blob), blob);
            if (r.statusCode() != 201) {
                throw new AssertionError("blob push to " + repo + ": " + r.statusCode() + " "
                        + new String(r.body(), StandardCharsets.UTF_8));
            }
        }
        return Content.imageManifest(Digest.sha256(config), config.length, List.of(Digest.sha256(layer)),
                List.of((long) layer.length));
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
