// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The image reference by which a Docker daemon on this machine pulls from a registry in the
 * test JVM, so that a test can push with Jib and run the image with Testcontainers or
 * {@code docker run}. The daemon pulls from {@code 127.0.0.1:PORT} over plain HTTP, which
 * dockerd allows for loopback without any configuration; a daemon on another machine
 * ({@code DOCKER_HOST=tcp://…}, {@code ssh://…}) cannot reach this JVM's loopback, and is refused
 * with a clear message rather than left to fail its pull.
 */
public final class DockerBridge {
    private DockerBridge() {
    }

    /** {@code 127.0.0.1:PORT/NAME[:TAG|@DIGEST]} for the daemon {@code DOCKER_HOST} names (or the local default). */
    public static String reference(TestRegistry registry, String image) {
        return reference(registry, image, Optional.ofNullable(System.getenv("DOCKER_HOST")));
    }

    /** As {@link #reference(TestRegistry, String)}, for the daemon at {@code dockerHost}. */
    public static String reference(TestRegistry registry, String image, Optional<String> dockerHost) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(image, "image");
        if (!"http".equals(registry.uri().getScheme())) {
            throw new IllegalArgumentException("a Docker daemon pulls from this JVM over plain HTTP (allowed for loopback);"
                    + " an HTTPS registry would need its certificate in the daemon's certs.d: use TestRegistry.start()");
        }
        dockerHost.filter(host -> !host.isBlank() && !onThisMachine(host)).ifPresent(host -> {
            throw new IllegalStateException("DOCKER_HOST=" + host + " is a Docker daemon on another machine, which cannot"
                    + " reach this JVM's 127.0.0.1; run the test where the daemon runs");
        });
        validate(image);
        return registry.host() + "/" + image;
    }

    private static boolean onThisMachine(String dockerHost) {
        URI uri = URI.create(dockerHost);
        String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
        if (scheme.equals("unix") || scheme.equals("npipe")) {
            return true;
        }
        String host = Optional.ofNullable(uri.getHost()).orElse("");
        return scheme.equals("tcp") && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    }

    /** NAME, NAME:TAG or NAME@DIGEST, each part as the distribution spec says. */
    private static void validate(String image) {
        int at = image.indexOf('@');
        if (at >= 0) {
            Repository.parse(image.substring(0, at));
            Digest.parse(image.substring(at + 1));
            return;
        }
        Fixtures.Reference reference = Fixtures.Reference.parse(image);
        Repository.parse(reference.repository());
        if (reference.tag() != null) {
            Tag.parse(reference.tag());
        }
    }
}
