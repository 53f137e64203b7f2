// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.mirror;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.registry.core.Upstream;
import dev.berth.registry.server.policy.StrictYaml;
import dev.berth.registry.spi.StorageConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The upstreams a server mirrors ({@code --mirrors FILE}), in YAML:
 * <pre>
 * upstreams:
 *   - name: docker.io                   # stored and reached under docker.io/…
 *     url: https://registry-1.docker.io
 *     default: true                     # plain names (dockerd's registry-mirrors) come from here
 *     repositories: ["library/*", "bitnami/**"]   # the default: every repository
 *     tags: ["*"]                       # the default: every tag
 *     fresh-for: 5m                     # a tag is re-checked (HEAD) at most this often
 *     expire-after: 7d                  # content not pulled for this long is collected
 *     max-concurrent: 16
 *     max-requests-per-second: 20       # 0: no cap
 *     timeout: 30s
 *     ca-file: /etc/berth/upstream-ca.pem
 *     credentials:                      # username with password-file or password-env,
 *       username: me                    #   or docker-config: FILE, or helper: NAME
 *       password-file: /run/secrets/hub
 * </pre>
 * Unknown keys are refused, naming the known ones.
 */
public record MirrorFile(List<Entry> upstreams) {
    public record Entry(String name, String url, @JsonProperty("default") boolean isDefault, List<String> repositories,
                        List<String> tags, @JsonProperty("fresh-for") String freshFor,
                        @JsonProperty("expire-after") String expireAfter,
                        @JsonProperty("max-concurrent") Integer maxConcurrent,
                        @JsonProperty("max-requests-per-second") Double maxRequestsPerSecond, String timeout,
                        @JsonProperty("ca-file") String caFile, Boolean library, Credentials credentials) {
    }

    /** The upstreams of {@code file}, each checked; an error names the file and the entry. */
    public static List<Upstream> load(Path file) throws IOException {
        MirrorFile parsed = StrictYaml.read(file, MirrorFile.class).orElse(new MirrorFile(List.of()));
        List<Upstream> upstreams = new ArrayList<>();
        List<Entry> entries = parsed.upstreams() == null ? List.of() : parsed.upstreams();
        for (int i = 0; i < entries.size(); i++) {
            String where = file + ": upstreams[" + i + "]";
            try {
                upstreams.add(upstream(entries.get(i), where));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().startsWith(where) ? e.getMessage()
                        : where + ": " + e.getMessage(), e);
            }
        }
        return upstreams;
    }

    private static Upstream upstream(Entry e, String where) throws IOException {
        if (e.name() == null || e.url() == null) {
            throw new IllegalArgumentException(where + ": name and url are required");
        }
        URI url = URI.create(e.url());
        Upstream u = Upstream.of(e.name(), url);
        if (e.repositories() != null) {
            u = u.repositories(e.repositories().toArray(String[]::new));
        }
        if (e.tags() != null) {
            u = u.tags(e.tags().toArray(String[]::new));
        }
        if (e.freshFor() != null) {
            u = u.freshFor(duration("fresh-for", e.freshFor()));
        }
        if (e.expireAfter() != null) {
            u = u.expireAfter(duration("expire-after", e.expireAfter()));
        }
        if (e.maxConcurrent() != null) {
            u = u.maxConcurrent(e.maxConcurrent());
        }
        if (e.maxRequestsPerSecond() != null) {
            u = u.maxRequestsPerSecond(e.maxRequestsPerSecond());
        }
        if (e.timeout() != null) {
            u = u.timeout(duration("timeout", e.timeout()));
        }
        if (e.library() != null) {
            u = u.library(e.library());
        }
        if (e.caFile() != null) {
            u = u.tls(trusting(Path.of(e.caFile())));
        }
        if (e.credentials() != null) {
            u = u.credentials(e.credentials().source(where, url.getHost()));
        }
        return e.isDefault() ? u.asDefault() : u;
    }

    /** The one-flag form, {@code --mirror [NAME=]URL}: the name is the host ({@code docker.io} for Docker Hub's). */
    public static Upstream fromFlag(String flag) {
        int eq = flag.indexOf('=');
        URI url = URI.create(eq > 0 ? flag.substring(eq + 1) : flag);
        String host = url.getHost() == null ? "" : url.getHost();
        String name = eq > 0 ? flag.substring(0, eq) : host.equals("registry-1.docker.io")
                || host.equals("index.docker.io") ? "docker.io" : host;
        return Upstream.of(name, url);
    }

    private static Duration duration(String key, String value) {
        try {
            return StorageConfig.of(Map.of(key, value)).duration(key, Duration.ZERO);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be a duration such as 90s, 15m, 24h or 7d, not " + value);
        }
    }

    private static SSLContext trusting(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + n++, cert);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("ca-file " + pem + " holds no usable certificate: " + e.getMessage(), e);
        }
    }
}
