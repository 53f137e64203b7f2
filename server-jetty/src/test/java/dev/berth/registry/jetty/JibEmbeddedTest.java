// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import dev.berth.registry.core.Registry;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jib pushes to the embedded registry over plain HTTP and over the TLS helper, and pulls back. */
class JibEmbeddedTest {
    @TempDir
    Path dir;

    private JibContainer pushAndPull(String registryHost) throws Exception {
        Path file = Files.writeString(dir.resolve("hello.txt"), "hello");
        JibContainer pushed = Jib.fromScratch()
                .addLayer(List.of(file), AbsoluteUnixPath.get("/app"))
                .containerize(cached(Containerizer.to(RegistryImage.named(registryHost + "/jib/app:v1"))));
        JibContainer pulled = Jib.from(RegistryImage.named(registryHost + "/jib/app:v1"))
                .containerize(cached(Containerizer.to(TarImage.at(dir.resolve("app.tar")).named("app:v1"))));
        assertEquals(pushed.getImageId(), pulled.getImageId());
        return pushed;
    }

    private Containerizer cached(Containerizer c) {
        return c.setAllowInsecureRegistries(true).setApplicationLayersCache(dir.resolve("app-cache"))
                .setBaseImageLayersCache(dir.resolve("base-cache"));
    }

    @Test
    void overHttp() throws Exception {
        try (BerthServer registry = BerthServer.start()) {
            JibContainer pushed = pushAndPull("127.0.0.1:" + registry.port());
            assertEquals(pushed.getDigest().toString(), HttpGet.digestOf(registry.uri(), "jib/app", "v1", null));
        }
    }

    @Test
    void overTls() throws Exception {
        Registry journaled = Registry.builder().storage(StorageProvider.named("memory").open(StorageConfig.empty()))
                .journal().build();
        try (TlsRegistry registry = BerthServer.tls("registry.test", journaled)) {
            // Jib only takes host:port and the JVM's trust store; insecure mode keeps TLS but skips verification
            JibContainer pushed = pushAndPull("127.0.0.1:" + registry.server().port());
            assertEquals(pushed.getDigest().toString(), HttpGet.digestOf(registry.directUri(), "jib/app", "v1",
                    registry.javaHttpClient()));
            assertTrue(journaled.journal().manifestPushed("jib/app", "v1"), "the push arrived over TLS");
        }
    }

    /** Reads a manifest's digest header. */
    static final class HttpGet {
        static String digestOf(java.net.URI base, String repo, String tag, java.net.http.HttpClient client) throws Exception {
            java.net.http.HttpClient c = client != null ? client : java.net.http.HttpClient.newHttpClient();
            return c.send(java.net.http.HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/manifests/" + tag)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).headers()
                    .firstValue("Docker-Content-Digest").orElseThrow();
        }
    }
}
