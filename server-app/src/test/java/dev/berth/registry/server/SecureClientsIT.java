// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real clients against a secured server: skopeo with --creds and --cert-dir, Jib with credentials. */
class SecureClientsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void skopeoInstalled() throws Exception {
        Skopeo.requireInstalled();
    }

    private List<String> authArgs(String mode) throws Exception {
        SecurityIT.writeHtpasswd(dir.resolve("htpasswd"), Map.of("alice", "alice-secret-1", "bob", "bob-secret-2"));
        Files.writeString(dir.resolve("policy.yaml"), SecurityIT.POLICY);
        return List.of("--data-dir", dir.resolve("data").toString(), "--auth", mode,
                "--htpasswd", dir.resolve("htpasswd").toString(), "--auth-policy", dir.resolve("policy.yaml").toString());
    }

    @Test
    @DisplayName("skopeo over HTTPS with token auth: --dest-creds pushes, --creds reads, a reader cannot push")
    void skopeoTokenTls() throws Exception {
        OciLayouts layout = new OciLayouts(dir.resolve("layout"));
        OciLayouts.Image image = layout.image("amd64", 3, 100_000, 7);
        layout.tag(image, OciLayouts.MANIFEST, "v1");
        Skopeo skopeo = new Skopeo(Files.createDirectories(dir.resolve("skopeo")));
        List<String> args = new java.util.ArrayList<>(authArgs("token"));
        args.addAll(List.of("--tls-self-signed", "localhost"));
        try (ServerProcess server = ServerProcess.start(List.of(), args.toArray(String[]::new))) {
            Path certDir = Files.createDirectories(dir.resolve("certs"));
            Files.copy(dir.resolve("data/tls/localhost.crt"), certDir.resolve("ca.crt")); // containers/image reads *.crt as CAs
            String app = "docker://localhost:" + server.uri().getPort() + "/team/app";
            skopeo.run("copy", "--preserve-digests", "--dest-creds", "alice:alice-secret-1", "--dest-cert-dir",
                    certDir.toString(), "oci:" + layout.root() + ":v1", app + ":v1");
            JsonNode inspected = JSON.readTree(skopeo.run("inspect", "--creds", "bob:bob-secret-2", "--cert-dir",
                    certDir.toString(), app + ":v1"));
            assertEquals(image.digest().toString(), inspected.get("Digest").asText(), "bob pulls what alice pushed");
            AssertionError denied = assertThrows(AssertionError.class, () -> skopeo.run("copy", "--dest-creds",
                    "bob:bob-secret-2", "--dest-cert-dir", certDir.toString(), "oci:" + layout.root() + ":v1", app + ":v2"));
            assertTrue(denied.getMessage().toLowerCase().contains("unauthorized")
                    || denied.getMessage().toLowerCase().contains("denied"), denied.getMessage());
            AssertionError wrong = assertThrows(AssertionError.class, () -> skopeo.run("inspect", "--creds",
                    "alice:wrong", "--cert-dir", certDir.toString(), app + ":v1"));
            assertTrue(wrong.getMessage().toLowerCase().contains("unauthorized")
                    || wrong.getMessage().toLowerCase().contains("authentication"), wrong.getMessage());
            assertThrows(AssertionError.class, () -> skopeo.run("inspect", "--cert-dir", "/nonexistent-empty",
                    app + ":v1"), "without the certificate the server is not trusted");
        }
    }

    @Test
    @DisplayName("skopeo with Basic auth: --creds over plain HTTP")
    void skopeoBasic() throws Exception {
        OciLayouts layout = new OciLayouts(dir.resolve("layout"));
        OciLayouts.Image image = layout.image("amd64", 2, 50_000, 8);
        layout.tag(image, OciLayouts.MANIFEST, "v1");
        Skopeo skopeo = new Skopeo(Files.createDirectories(dir.resolve("skopeo")));
        try (ServerProcess server = ServerProcess.start(List.of(), authArgs("basic").toArray(String[]::new))) {
            String app = "docker://127.0.0.1:" + server.uri().getPort() + "/team/app";
            skopeo.run("copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", "alice:alice-secret-1",
                    "oci:" + layout.root() + ":v1", app + ":v1");
            JsonNode tags = JSON.readTree(skopeo.run("list-tags", "--tls-verify=false", "--creds", "bob:bob-secret-2", app));
            assertEquals("[\"v1\"]", tags.get("Tags").toString());
        }
    }

    @Test
    @DisplayName("Jib with credentials through the token flow: pushes as alice, pulls back as bob")
    void jibWithCredentials() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Files.writeString(app.resolve("hello.txt"), "hello, secured registry");
        String previous = System.getProperty("sendCredentialsOverHttp");
        System.setProperty("sendCredentialsOverHttp", "true"); // plain HTTP on loopback in this test
        try (ServerProcess server = ServerProcess.start(List.of(), authArgs("token").toArray(String[]::new))) {
            String host = server.uri().getHost() + ":" + server.uri().getPort();
            JibContainer pushed = Jib.fromScratch()
                    .addLayer(List.of(app.resolve("hello.txt")), AbsoluteUnixPath.get("/app"))
                    .containerize(Containerizer.to(RegistryImage.named(host + "/team/jib:v1")
                                    .addCredential("alice", "alice-secret-1"))
                            .setAllowInsecureRegistries(true)
                            .setApplicationLayersCache(dir.resolve("cache-app"))
                            .setBaseImageLayersCache(dir.resolve("cache-base")));
            JibContainer pulled = Jib.from(RegistryImage.named(host + "/team/jib:v1").addCredential("bob", "bob-secret-2"))
                    .containerize(Containerizer.to(TarImage.at(dir.resolve("pulled.tar")).named("pulled:v1"))
                            .setAllowInsecureRegistries(true)
                            .setApplicationLayersCache(dir.resolve("cache-app2"))
                            .setBaseImageLayersCache(dir.resolve("cache-base2")));
            assertEquals(pushed.getImageId(), pulled.getImageId());
            assertThrows(Exception.class, () -> Jib.fromScratch()
                    .addLayer(List.of(app.resolve("hello.txt")), AbsoluteUnixPath.get("/app"))
                    .containerize(Containerizer.to(RegistryImage.named(host + "/team/jib:v2")
                                    .addCredential("bob", "bob-secret-2"))
                            .setAllowInsecureRegistries(true)
                            .setApplicationLayersCache(dir.resolve("cache-app3"))
                            .setBaseImageLayersCache(dir.resolve("cache-base3"))), "bob may not push");
        } finally {
            if (previous == null) {
                System.clearProperty("sendCredentialsOverHttp");
            } else {
                System.setProperty("sendCredentialsOverHttp", previous);
            }
        }
    }
}
