// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import dev.berth.registry.core.Registry;
import dev.berth.registry.core.Upstream;
import dev.berth.registry.junit.TestRegistry;
import dev.berth.registry.testcontainers.BerthMirrorSubstitutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.utility.DockerImageName;

/**
 * The names BerthMirrorSubstitutor gives are ones a real dockerd pulls through a Berth cache:
 * a Docker Hub short name and an image of a second upstream, each arriving as the image pushed
 * to its upstream.
 */
class DockerSubstitutionIT {
    @TempDir
    Path dir;

    private JibContainer push(TestRegistry registry, String repository) throws Exception {
        Path file = Files.writeString(Files.createDirectories(dir.resolve(repository)).resolve("f.txt"), repository);
        return Jib.fromScratch().addLayer(List.of(file), AbsoluteUnixPath.get("/data")).setEntrypoint("/data/f.txt")
                .containerize(Containerizer.to(RegistryImage.named(registry.host() + "/" + repository + ":1"))
                        .setAllowInsecureRegistries(true).setApplicationLayersCache(dir.resolve("jib-cache"))
                        .setBaseImageLayersCache(dir.resolve("jib-base-cache")));
    }

    @Test
    void dockerdPullsSubstitutedNamesThroughTheCache() throws Exception {
        try (TestRegistry hub = TestRegistry.start();
             TestRegistry quay = TestRegistry.start();
             TestRegistry cache = TestRegistry.start(Registry.builder()
                     .mirror(Upstream.of("docker.io", hub.uri()).asDefault())
                     .mirror(Upstream.of("quay.io", quay.uri())).build());
             Dockerd docker = Dockerd.start(Files.createDirectories(dir.resolve("dockerd")))) {
            JibContainer official = push(hub, "library/app");
            JibContainer tool = push(quay, "org/tool");
            BerthMirrorSubstitutor substitutor = new BerthMirrorSubstitutor(cache.host(), "quay.io");

            String hubName = substitutor.apply(DockerImageName.parse("app:1")).asCanonicalNameString();
            assertEquals(cache.host() + "/docker.io/library/app:1", hubName);
            docker.ok("pull", hubName);
            assertEquals(official.getImageId().toString(), docker.ok("image", "inspect", "--format", "{{.Id}}", hubName).trim());

            String quayName = substitutor.apply(DockerImageName.parse("quay.io/org/tool:1")).asCanonicalNameString();
            docker.ok("pull", quayName);
            assertEquals(tool.getImageId().toString(), docker.ok("image", "inspect", "--format", "{{.Id}}", quayName).trim());
        }
    }
}
