// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import dev.berth.registry.tck.HttpTester;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Jib (jib-core from Maven Central) pushes an image built in the test to the runnable server and pulls it back. */
class JibIT {
    @TempDir
    Path dir;

    private Containerizer isolated(Containerizer c) {
        return c.setAllowInsecureRegistries(true)
                .setApplicationLayersCache(dir.resolve("jib-app-cache"))
                .setBaseImageLayersCache(dir.resolve("jib-base-cache"));
    }

    @ParameterizedTest(name = "storage {0}, format {1}")
    @CsvSource({"disk, Docker", "memory, OCI"})
    void pushAndPull(String storage, ImageFormat format) throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("hello.txt"), "hello from jib, " + format);
        try (ServerProcess server = ServerProcess.start(List.of(), "--storage", storage,
                "--data-dir", dir.resolve("data").toString())) {
            String host = server.uri().getHost() + ":" + server.uri().getPort();
            JibContainer pushed = Jib.fromScratch()
                    .addLayer(List.of(app.resolve("hello.txt")), AbsoluteUnixPath.get("/app"))
                    .setEntrypoint("/app/hello.txt")
                    .setFormat(format)
                    .containerize(isolated(Containerizer.to(RegistryImage.named(host + "/jib/app:v1"))));

            HttpResponse<byte[]> manifest = new HttpTester(server.uri()).get("/v2/jib/app/manifests/v1");
            assertEquals(200, manifest.statusCode());
            assertEquals(pushed.getDigest().toString(), manifest.headers().firstValue("Docker-Content-Digest").orElse(null),
                    "the digest Jib computed is the one the registry serves");
            String type = manifest.headers().firstValue("Content-Type").orElse("");
            assertTrue(format == ImageFormat.OCI ? type.contains("oci") : type.contains("docker"), type);

            Path tar = dir.resolve("pulled.tar");
            JibContainer pulled = Jib.from(RegistryImage.named(host + "/jib/app:v1"))
                    .containerize(isolated(Containerizer.to(TarImage.at(tar).named("pulled:v1"))));
            assertEquals(pushed.getImageId(), pulled.getImageId(), "pulling it back yields the same image");
            assertTrue(Files.size(tar) > 0);
        }
    }
}
