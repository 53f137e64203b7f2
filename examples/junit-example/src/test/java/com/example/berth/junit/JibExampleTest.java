// SPDX-License-Identifier: Apache-2.0
package com.example.berth.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import dev.berth.registry.junit.TestRegistry;
import dev.berth.registry.junit.TlsRegistry;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jib, a client nobody here wrote, pushing to and pulling from the test registry. */
class JibExampleTest {
    @TempDir
    Path dir;

    @Test
    void overHttp() throws Exception {
        // snippet: jib
        try (TestRegistry registry = TestRegistry.start()) {
            Path file = Files.writeString(dir.resolve("hello.txt"), "hello");
            JibContainer pushed = Jib.fromScratch()
                    .addLayer(List.of(file), AbsoluteUnixPath.get("/app"))
                    .containerize(Containerizer.to(RegistryImage.named(registry.host() + "/jib/app:v1"))
                            .setAllowInsecureRegistries(true)                 // plain HTTP
                            .setApplicationLayersCache(dir.resolve("jib-cache")));
        // snippet: end
            JibContainer pulled = Jib.from(RegistryImage.named(registry.host() + "/jib/app:v1"))
                    .containerize(Containerizer.to(TarImage.at(dir.resolve("app.tar")).named("app:v1"))
                            .setAllowInsecureRegistries(true).setBaseImageLayersCache(dir.resolve("base-cache"))
                            .setApplicationLayersCache(dir.resolve("jib-cache")));
            assertEquals(pushed.getImageId(), pulled.getImageId());
            assertEquals(pushed.getDigest().toString(), digestOf(registry, "jib/app", "v1"));
        }
    }

    @Test
    void overTlsWithVerification() throws Exception {
        try (TlsRegistry registry = TestRegistry.tls("registry.test")) {
            // Jib trusts what the JVM trusts: make the certificate's trust the JVM's default, no insecure mode
            SSLContext trusting = registry.sslContext();
            SSLContext before = SSLContext.getDefault();
            SSLContext.setDefault(trusting);
            try {
                Path file = Files.writeString(dir.resolve("hello.txt"), "over TLS");
                JibContainer pushed = Jib.fromScratch().addLayer(List.of(file), AbsoluteUnixPath.get("/app"))
                        .containerize(Containerizer.to(RegistryImage.named(registry.host() + "/jib/tls:v1"))
                                .setApplicationLayersCache(dir.resolve("jib-cache")));
                assertEquals(pushed.getDigest().toString(), digestOf(registry.server(), "jib/tls", "v1"));
            } finally {
                SSLContext.setDefault(before);
            }
        }
    }

    private static String digestOf(TestRegistry registry, String repo, String tag) throws Exception {
        return registry.httpClient().send(HttpRequest.newBuilder(registry.uri().resolve("/v2/" + repo + "/manifests/"
                        + tag)).header("Accept", "application/vnd.oci.image.manifest.v1+json, "
                        + "application/vnd.docker.distribution.manifest.v2+json").build(),
                HttpResponse.BodyHandlers.discarding()).headers().firstValue("Docker-Content-Digest").orElseThrow();
    }
}
