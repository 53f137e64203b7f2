// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** An image Jib builds from scratch, holding {@code /app/hello.txt}, pushed over plain HTTP: what dockerd tests pull. */
final class OneFileImage {
    private OneFileImage() {
    }

    /** Pushes the image to {@code reference}, with {@code dir} for Jib's caches; Jib's answer carries its id and digest. */
    static JibContainer push(Path dir, String reference, String text) throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("hello.txt"), text);
        return Jib.fromScratch()
                .addLayer(List.of(app.resolve("hello.txt")), AbsoluteUnixPath.get("/app"))
                .setEntrypoint("/app/hello.txt")
                .containerize(Containerizer.to(RegistryImage.named(reference)).setAllowInsecureRegistries(true)
                        .setApplicationLayersCache(dir.resolve("jib-app-cache"))
                        .setBaseImageLayersCache(dir.resolve("jib-base-cache")));
    }
}
