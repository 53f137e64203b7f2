// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.maven;

import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.jetty.BerthServer;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.Page;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.maven.project.MavenProject;

/** A registry {@code berth:start} started for a project, until {@code berth:stop} stops it. */
final class RunningRegistry implements AutoCloseable {
    /** What {@link #held} lists at most, so that a large preload does not flood the log. */
    private static final int LISTED = 50;

    /**
     * Registries started and not stopped, by project directory and property prefix: a build that failed before
     * berth:stop left one, which a later build in the same JVM (mvnd, an IDE) stops first. A
     * plain {@code mvn} exits and takes it along; the disk storage loses no acknowledged write.
     */
    private static final Map<String, RunningRegistry> UNSTOPPED = new ConcurrentHashMap<>();

    private final BerthServer server;
    private final URI uri;
    private final String key;

    private RunningRegistry(BerthServer server, URI uri, String key) {
        this.server = server;
        this.uri = uri;
        this.key = key;
    }

    /** Takes over {@code server}, started for {@link #key}; berth:start stopped any left there first. */
    static void started(BerthServer server, URI uri, String key) {
        UNSTOPPED.put(key, new RunningRegistry(server, uri, key));
    }

    /** A project's registry by the prefix its properties are published under: two starts in one build are two registries. */
    static String key(MavenProject project, String propertyPrefix) {
        return project.getBasedir().getAbsolutePath() + "#" + propertyPrefix;
    }

    static Optional<RunningRegistry> of(String key) {
        return Optional.ofNullable(UNSTOPPED.get(key));
    }

    URI uri() {
        return uri;
    }

    /** One line per repository, {@code NAME (tags: a=DIGEST, b=DIGEST)}; at most {@value #LISTED}, then how many more. */
    List<String> held() throws IOException {
        ManifestHandler manifests = server.registry().storage().manifests();
        List<String> lines = new ArrayList<>();
        Page<Repository> repositories = manifests.repositories(Optional.empty(), LISTED);
        for (Repository repository : repositories.items()) {
            Page<Tag> tags = manifests.tags(repository, Optional.empty(), 10);
            List<String> names = new ArrayList<>();
            for (Tag tag : tags.items()) {
                names.add(tag.value() + "=" + manifests.resolve(repository, tag));
            }
            lines.add(repository.name() + " (tags: " + (names.isEmpty() ? "none" : String.join(", ", names))
                    + (tags.more() ? ", …" : "") + ")");
        }
        if (lines.isEmpty()) {
            lines.add("no repositories");
        } else if (repositories.more()) {
            lines.add("and more repositories than the " + LISTED + " listed");
        }
        return lines;
    }

    @Override
    public void close() throws IOException {
        UNSTOPPED.remove(key, this);
        server.closeNow();
    }
}
