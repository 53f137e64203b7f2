// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import dev.berth.registry.core.testing.Journal;
import dev.berth.registry.core.Registry;
import dev.berth.registry.jetty.BerthServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A registry serving on 127.0.0.1 and a free port, for a test: the Java counterpart of
 * go-containerregistry's {@code httptest.NewServer(registry.New())}. Closing it is immediate:
 * requests in flight finish, idle keep-alive connections are closed at once.
 *
 * <pre>{@code
 * try (TestRegistry registry = TestRegistry.start()) {           // memory, 127.0.0.1, a free port
 *     URI v2 = registry.uri().resolve("/v2/");
 * }
 * }</pre>
 */
public final class TestRegistry implements AutoCloseable {
    private final BerthServer server;
    private final java.util.function.Supplier<HttpClient> clients;
    private volatile HttpClient client;

    private TestRegistry(BerthServer server, java.util.function.Supplier<HttpClient> clients) {
        this.server = server;
        this.clients = clients;
    }

    /** An in-memory registry with every default (Go's {@code registry.New()}). */
    public static TestRegistry start() throws IOException {
        return start(Registry.builder().build());
    }

    /** {@code registry}, as {@code Registry.builder()…build()} made it, on 127.0.0.1 and a free port. */
    public static TestRegistry start(Registry registry) throws IOException {
        Objects.requireNonNull(registry, "registry");
        return new TestRegistry(BerthServer.start(registry, listener(Optional.empty())),
                () -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }

    /**
     * An in-memory registry over HTTPS for {@code domain}, with a certificate generated on the
     * fly and clients that trust it (Go's {@code registry.TLS(domain)}).
     */
    public static TlsRegistry tls(String domain) throws IOException {
        return tls(domain, Registry.builder().build());
    }

    /** {@code registry} over HTTPS for {@code domain} on 127.0.0.1 and a free port. */
    public static TlsRegistry tls(String domain, Registry registry) throws IOException {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(registry, "registry");
        dev.berth.registry.jetty.SelfSignedCertificate certificate =
                dev.berth.registry.jetty.SelfSignedCertificate.generate(domain);
        BerthServer server = BerthServer.start(registry, listener(Optional.of(certificate.serverContext())));
        return new TlsRegistry(new TestRegistry(server, () -> HttpClient.newBuilder()
                .sslContext(certificate.trustingContext()).connectTimeout(Duration.ofSeconds(10)).build()), certificate);
    }

    private static BerthServer.Listener listener(Optional<SslContextFactory.Server> tls) {
        return BerthServer.Listener.on("127.0.0.1", 0).withTls(tls);
    }

    /** {@code http://127.0.0.1:PORT/} ({@code https} with TLS). */
    public URI uri() {
        return server.uri();
    }

    /** {@code 127.0.0.1:PORT}: the registry part of an image reference ({@code host() + "/app:v1"}). */
    public String host() {
        return "127.0.0.1:" + port();
    }

    public int port() {
        return server.port();
    }

    /** The servlet behind it, with its options. */
    public Registry registry() {
        return server.registry();
    }

    /** The request journal; the registry must have been built with {@code .journal()}. */
    public Journal journal() {
        return registry().journal();
    }

    /** A {@code java.net.http} client for {@link #uri()} (trusting the certificate, with TLS). */
    public HttpClient httpClient() {
        HttpClient made = client;
        if (made == null) { // made on first use: a JDK client starts a thread, which a test may never need
            synchronized (this) {
                if (client == null) {
                    client = clients.get();
                }
                made = client;
            }
        }
        return made;
    }

    /** Random images, indexes and artifacts pushed here in one call (go-containerregistry's {@code random}). */
    public Fixtures fixtures() {
        return new Fixtures(uri(), httpClient());
    }

    /** The Jetty hosting underneath. */
    public BerthServer server() {
        return server;
    }

    @Override
    public void close() throws IOException {
        server.closeNow();
    }
}
