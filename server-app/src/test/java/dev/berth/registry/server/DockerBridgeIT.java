// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.tools.jib.api.JibContainer;
import dev.berth.registry.junit.DockerBridge;
import dev.berth.registry.junit.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry in the test JVM, Jib pushing to it, and a real dockerd pulling the image through DockerBridge's reference. */
class DockerBridgeIT {
    @TempDir
    Path dir;

    @Test
    void dockerdPullsWhatJibPushedToTheTestJvm() throws Exception {
        try (TestRegistry registry = TestRegistry.start();
             Dockerd docker = Dockerd.start(Files.createDirectories(dir.resolve("dockerd")))) {
            // the private daemon listens on its own socket, on this machine
            String reference = DockerBridge.reference(registry, "bridge/app:1", Optional.of("unix://" + dir.resolve("dockerd")));
            JibContainer pushed = OneFileImage.push(dir, reference, "hello through the bridge");

            docker.ok("pull", reference);
            assertEquals(pushed.getImageId().toString(), docker.ok("image", "inspect", "--format", "{{.Id}}", reference).trim(),
                    "the daemon's image id is the one Jib built");
            String created = docker.ok("create", reference).trim();
            String container = created.substring(created.lastIndexOf('\n') + 1); // the id is the last line
            String copied = docker.ok("cp", container + ":/app/hello.txt", "-"); // a tar stream holding the file
            assertTrue(copied.contains("hello through the bridge"), copied);
        }
    }
}
