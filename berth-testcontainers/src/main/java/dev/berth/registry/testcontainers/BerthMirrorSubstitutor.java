// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.testcontainers;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.ImageNameSubstitutor;
import org.testcontainers.utility.TestcontainersConfiguration;

/**
 * Rewrites the images a build's Testcontainers pull so that they come through a Berth
 * pull-through cache, in the form its upstream path prefixes serve: {@code redis:7} and
 * {@code docker.io/library/redis:7} become {@code MIRROR/docker.io/library/redis:7}, and
 * {@code quay.io/org/app:1} becomes {@code MIRROR/quay.io/org/app:1} when {@code quay.io} is one
 * of the cache's upstreams. Other images are left alone. Turned on in
 * {@code testcontainers.properties} (the project's, on the test class path, or
 * {@code ~/.testcontainers.properties}) or the environment:
 * <pre>
 * image.substitutor=dev.berth.registry.testcontainers.BerthMirrorSubstitutor   # TESTCONTAINERS_IMAGE_SUBSTITUTOR
 * berth.mirror=cache.ci.internal:5000                                          # TESTCONTAINERS_BERTH_MIRROR
 * berth.mirror.upstreams=quay.io,ghcr.io                                       # TESTCONTAINERS_BERTH_MIRROR_UPSTREAMS
 * </pre>
 * Without {@code berth.mirror} it changes nothing, so a developer's machine without the cache
 * pulls as before.
 */
public final class BerthMirrorSubstitutor extends ImageNameSubstitutor {
    /** The names Docker Hub goes by in image references; an image without a registry is on Docker Hub too. */
    private static final Set<String> DOCKER_HUB = Set.of("docker.io", "index.docker.io", "registry-1.docker.io",
            "registry.hub.docker.com");
    private static final String HUB_UPSTREAM = "docker.io";

    private final Optional<String> mirror;
    private final Set<String> upstreams;

    /** Configured from Testcontainers' configuration, as Testcontainers instantiates it. */
    public BerthMirrorSubstitutor() {
        this(TestcontainersConfiguration.getInstance().getEnvVarOrProperty("berth.mirror", ""),
                TestcontainersConfiguration.getInstance().getEnvVarOrProperty("berth.mirror.upstreams", ""));
    }

    /**
     * @param mirror    the cache's {@code HOST:PORT}; empty: substitute nothing
     * @param upstreams the cache's upstreams besides Docker Hub, comma-separated, as it names them
     */
    public BerthMirrorSubstitutor(String mirror, String upstreams) {
        this.mirror = Optional.of(mirror.trim()).filter(m -> !m.isEmpty());
        this.upstreams = Arrays.stream(upstreams.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        this.mirror.ifPresent(m -> DockerImageName.parse(m + "/probe:1").assertValid());
    }

    @Override
    public DockerImageName apply(DockerImageName original) {
        if (mirror.isEmpty()) {
            return original;
        }
        String registry = original.getRegistry().toLowerCase(Locale.ROOT);
        String repository = original.getRepository();
        String path;
        if (registry.isEmpty() || DOCKER_HUB.contains(registry)) {
            // Docker Hub's official images live under library/, which the short form leaves out
            path = HUB_UPSTREAM + "/" + (repository.contains("/") ? repository : "library/" + repository);
        } else if (upstreams.contains(registry)) {
            path = registry + "/" + repository;
        } else {
            return original; // the cache's own images, or a registry it does not mirror
        }
        return original.withRegistry(mirror.get()).withRepository(path).asCompatibleSubstituteFor(original);
    }

    @Override
    protected String getDescription() {
        return "Berth pull-through cache at " + mirror.orElse("(none: berth.mirror is not set)")
                + (upstreams.isEmpty() ? "" : " for Docker Hub and " + String.join(", ", upstreams));
    }
}
