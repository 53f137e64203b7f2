// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.maven;

import dev.berth.registry.core.Registry;
import dev.berth.registry.jetty.BerthServer;
import dev.berth.registry.jetty.LayoutPreloader;
import dev.berth.registry.jetty.SelfSignedCertificate;
import dev.berth.registry.junit.TrustFiles;
import dev.berth.registry.spi.StorageProvider;
import java.io.File;
import java.io.IOException;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Starts a registry for the integration tests and publishes where it listens as project
 * properties ({@code berth.port}, {@code berth.host} = {@code 127.0.0.1:PORT}, {@code berth.url}),
 * which later plugins' configuration and Failsafe's {@code systemPropertyVariables} read.
 */
@Mojo(name = "start", defaultPhase = LifecyclePhase.PRE_INTEGRATION_TEST, threadSafe = true)
public final class StartMojo extends AbstractMojo {
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** {@code memory} (the default; gone when the build ends) or {@code disk} (kept in {@link #dataDirectory}). */
    @Parameter(property = "berth.storage", defaultValue = "memory")
    private String storage;

    /** Where the disk storage keeps its data. */
    @Parameter(property = "berth.dataDirectory", defaultValue = "${project.build.directory}/berth-data")
    private File dataDirectory;

    /** The address to listen on; loopback by default, so nothing outside this machine reaches it. */
    @Parameter(property = "berth.bindAddress", defaultValue = "127.0.0.1")
    private String bindAddress;

    /**
     * The port; 0 takes a free one, so that parallel builds on one machine never collide. (Its
     * user property is not {@code berth.port}, which is what start publishes.)
     */
    @Parameter(property = "berth.bindPort", defaultValue = "0")
    private int port;

    /** The prefix of the published properties: {@code PREFIX.port}, {@code PREFIX.host}, {@code PREFIX.url}. */
    @Parameter(defaultValue = "berth")
    private String propertyPrefix;

    /** An OCI image layout (a directory with {@code index.json}) pushed to {@link #preloadRepository} before the tests. */
    @Parameter(property = "berth.preload")
    private File preload;

    /** The repository {@link #preload} goes to; its tags come from the layout's {@code org.opencontainers.image.ref.name}. */
    @Parameter(property = "berth.preloadRepository", defaultValue = "preloaded")
    private String preloadRepository;

    /** With {@link #password}: every request needs these HTTP Basic credentials. */
    @Parameter(property = "berth.username")
    private String username;

    @Parameter(property = "berth.password")
    private String password;

    /**
     * Serve HTTPS with a certificate generated for {@link #tlsDomain}, {@code localhost} and
     * {@code 127.0.0.1}; its files are written to {@code ${project.build.directory}/berth-tls}
     * ({@code ca.crt}, {@code truststore.p12} with password {@code changeit}, {@code certs.d/})
     * and published as {@code PREFIX.caCertificate} and {@code PREFIX.trustStore}.
     */
    @Parameter(property = "berth.tls", defaultValue = "false")
    private boolean tls;

    @Parameter(property = "berth.tlsDomain", defaultValue = "localhost")
    private String tlsDomain;

    @Parameter(defaultValue = "${project.build.directory}/berth-tls", readonly = true)
    private File tlsDirectory;

    @Parameter(property = "berth.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Berth: skipped (berth.skip)");
            return;
        }
        String key = RunningRegistry.key(project, propertyPrefix);
        RunningRegistry.of(key).ifPresent(this::stopLeftOver);
        if ((username == null) != (password == null)) {
            throw new MojoFailureException("Berth: set both <username> and <password>, or neither");
        }
        Registry registry = registry();
        Optional<SelfSignedCertificate> certificate = tls ? Optional.of(SelfSignedCertificate.generate(tlsDomain))
                : Optional.empty();
        BerthServer server;
        try {
            server = BerthServer.start(registry, BerthServer.Listener.on(bindAddress, port)
                    .withTls(certificate.map(SelfSignedCertificate::serverContext)));
        } catch (IOException e) {
            try {
                registry.storage().close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw new MojoExecutionException("Berth could not listen on " + bindAddress + ":" + port, e);
        }
        String host = "127.0.0.1:" + server.port();
        URI uri = URI.create((tls ? "https://" : "http://") + host + "/");
        RunningRegistry.started(server, uri, key);
        Properties properties = project.getProperties();
        properties.setProperty(propertyPrefix + ".port", String.valueOf(server.port()));
        properties.setProperty(propertyPrefix + ".host", host);
        properties.setProperty(propertyPrefix + ".url", uri.toString());
        if (certificate.isPresent()) {
            try {
                TrustFiles files = TrustFiles.write(certificate.get(), tlsDirectory.toPath(),
                        List.of("127.0.0.1", "localhost", tlsDomain), server.port());
                properties.setProperty(propertyPrefix + ".caCertificate", files.caCertificate().toString());
                properties.setProperty(propertyPrefix + ".trustStore", files.trustStore().toString());
            } catch (IOException e) {
                throw new MojoExecutionException("Berth could not write its certificate to " + tlsDirectory, e);
            }
        }
        getLog().info("Berth listening on " + uri + " (storage: " + storage + (username == null ? "" : ", Basic auth")
                + "); published as ${" + propertyPrefix + ".url}, ${" + propertyPrefix + ".host}, ${"
                + propertyPrefix + ".port}");
        if (preload != null) {
            preload(uri, certificate);
        }
    }

    private void stopLeftOver(RunningRegistry left) {
        getLog().warn("Berth: stopping the registry at " + left.uri() + " that an earlier build of this project did not stop");
        try {
            left.close();
        } catch (IOException e) {
            getLog().warn("Berth: stopping it failed: " + e.getMessage());
        }
    }

    private Registry registry() throws MojoFailureException, MojoExecutionException {
        Map<String, String> settings = switch (storage) {
            case "memory" -> Map.of();
            case "disk" -> Map.of("root", dataDirectory.getAbsolutePath());
            default -> throw new MojoFailureException("Berth: <storage> is memory or disk, not " + storage);
        };
        Registry.Builder builder;
        try {
            builder = Registry.builder().storage(StorageProvider.named(storage).open(settings));
        } catch (IOException e) {
            throw new MojoExecutionException("Berth could not open its " + storage + " storage", e);
        }
        if (username != null) {
            builder.access(new OneUser(username, password));
        }
        return builder.build();
    }

    private void preload(URI uri, Optional<SelfSignedCertificate> certificate) throws MojoExecutionException {
        HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        certificate.ifPresent(c -> client.sslContext(c.trustingContext()));
        if (username != null) { // the preload goes through the protocol, so it carries the build's credentials too
            client.authenticator(new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(username, password.toCharArray());
                }
            });
        }
        HttpClient pushing = client.build();
        try {
            LayoutPreloader.push(preload.toPath(), uri, preloadRepository, pushing);
        } catch (IOException e) {
            throw new MojoExecutionException("Berth could not preload " + preload + " into " + preloadRepository, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("interrupted while preloading " + preload, e);
        }
        getLog().info("Berth preloaded " + preload + " into " + preloadRepository);
    }
}
