// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * A registry this one mirrors (a pull-through cache). Clients reach it three ways: by a path
 * prefix named after it ({@code /v2/docker.io/library/alpine/manifests/3}), by containerd's
 * {@code ?ns=docker.io}, or, for the {@link #asDefault() default} upstream, by plain names
 * (dockerd's {@code registry-mirrors}) that the registry does not hold itself. Its content is
 * stored under {@code name/}, beside pushed repositories; pushes there are refused.
 *
 * <pre>{@code
 * Upstream hub = Upstream.of("docker.io", URI.create("https://registry-1.docker.io")).asDefault()
 *         .freshFor(Duration.ofMinutes(5)).credentials(UpstreamCredentials.of("me", token));
 * }</pre>
 *
 * @param name          the namespace its repositories are stored and reached under, a repository name component
 * @param url           where it answers {@code /v2/}
 * @param repositories  globs over its repository names (as the upstream names them) that may be mirrored
 * @param tags          globs over tags that may be mirrored (digests always may)
 * @param freshFor      how long a cached tag is served without asking the upstream (a HEAD) again
 * @param expireAfter   cached content not pulled for this long is removed by the online collector
 * @param credentials   what to log in with, at the upstream or its token realm
 * @param maxConcurrent most requests in flight to it at once
 * @param maxRequestsPerSecond most requests started per second (0: no cap)
 * @param timeout       for connecting, for its answer, and for each read of a body
 * @param library       whether a one-component name is an official image ({@code alpine} is {@code library/alpine})
 * @param isDefault     whether plain names the registry does not hold are mirrored from it
 * @param tls           how to trust it, when not by the JVM's default trust store
 */
public record Upstream(String name, URI url, List<String> repositories, List<String> tags, Duration freshFor,
                       Duration expireAfter, Optional<UpstreamCredentials> credentials, int maxConcurrent,
                       double maxRequestsPerSecond, Duration timeout, boolean library, boolean isDefault,
                       Optional<SSLContext> tls) {
    public Upstream {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")) {
            throw new IllegalArgumentException("upstream name must be one repository name component"
                    + " (lower case, digits, '.', '_', '-'), e.g. docker.io: " + name);
        }
        Objects.requireNonNull(url, "url");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("upstream " + name + ": url must be http:// or https://HOST: " + url);
        }
        repositories = List.copyOf(repositories);
        tags = List.copyOf(tags);
        repositories.forEach(Globs::glob);
        tags.forEach(Globs::glob);
        positive(freshFor, "freshFor");
        positive(expireAfter, "expireAfter");
        positive(timeout, "timeout");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(tls, "tls");
        if (maxConcurrent < 1 || maxRequestsPerSecond < 0) {
            throw new IllegalArgumentException("upstream " + name + ": maxConcurrent must be positive and"
                    + " maxRequestsPerSecond not negative");
        }
    }

    /**
     * {@code url} mirrored under {@code name}: every repository and tag, fresh for 5 minutes,
     * expiring 7 days after the last pull, 16 requests at once, a 30 s timeout; official images
     * when {@code name} is {@code docker.io}.
     */
    public static Upstream of(String name, URI url) {
        return new Upstream(name, url, List.of("**"), List.of("**"), Duration.ofMinutes(5), Duration.ofDays(7),
                Optional.empty(), 16, 0, Duration.ofSeconds(30), "docker.io".equals(name), false, Optional.empty());
    }

    public Upstream repositories(String... globs) {
        return new Upstream(name, url, List.of(globs), tags, freshFor, expireAfter, credentials, maxConcurrent,
                maxRequestsPerSecond, timeout, library, isDefault, tls);
    }

    public Upstream tags(String... globs) {
        return new Upstream(name, url, repositories, List.of(globs), freshFor, expireAfter, credentials, maxConcurrent,
                maxRequestsPerSecond, timeout, library, isDefault, tls);
    }

    public Upstream freshFor(Duration fresh) {
        return new Upstream(name, url, repositories, tags, fresh, expireAfter, credentials, maxConcurrent,
                maxRequestsPerSecond, timeout, library, isDefault, tls);
    }

    public Upstream expireAfter(Duration expiry) {
        return new Upstream(name, url, repositories, tags, freshFor, expiry, credentials, maxConcurrent,
                maxRequestsPerSecond, timeout, library, isDefault, tls);
    }

    public Upstream credentials(UpstreamCredentials login) {
        return new Upstream(name, url, repositories, tags, freshFor, expireAfter, Optional.of(login), maxConcurrent,
                maxRequestsPerSecond, timeout, library, isDefault, tls);
    }

    public Upstream maxConcurrent(int requests) {
        return new Upstream(name, url, repositories, tags, freshFor, expireAfter, credentials, requests,
                maxRequestsPerSecond, timeout, library, isDefault, tls);
    }

    public Upstream maxRequestsPerSecond(double rate) {
        return new Upstream(name, url, repositories, tags, freshFor, expireAfter, credentials, maxConcurrent,
                rate, timeout, library, isDefault, tls);
    }

    public Upstream timeout(Duration limit) {
        return new Upstream(name, url, repositories, tags, freshFor, expireAfter, credentials, maxConcurrent,
                maxRequestsPerSecond, limit, library, isDefault, tls);
    }

    public Upstream library(boolean officialImages) {
        return new Upstream(name, url, repositories, tags, freshFor, expireAfter, credentials, maxConcurrent,
                maxRequestsPerSecond, timeout, officialImages, isDefault, tls);
    }

    /** Mirrors plain names from this upstream (dockerd's {@code registry-mirrors}); one upstream at most. */
    public Upstream asDefault() {
        return new Upstream(name, url, repositories, tags, freshFor, expireAfter, credentials, maxConcurrent,
                maxRequestsPerSecond, timeout, library, true, tls);
    }

    public Upstream tls(SSLContext trust) {
        return new Upstream(name, url, repositories, tags, freshFor, expireAfter, credentials, maxConcurrent,
                maxRequestsPerSecond, timeout, library, isDefault, Optional.of(trust));
    }

    private static void positive(Duration d, String what) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
    }
}
