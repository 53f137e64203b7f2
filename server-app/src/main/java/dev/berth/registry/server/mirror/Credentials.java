// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.mirror;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.core.UpstreamCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where an upstream's credentials come from, read again at every token fetch: a user with a
 * password file or environment variable, a docker {@code config.json} ({@code auths},
 * {@code credHelpers}, {@code credsStore}), or a docker credential helper run as its protocol says
 * ({@code docker-credential-NAME get}, the server on stdin, JSON out).
 */
public record Credentials(String username, @JsonProperty("password-file") String passwordFile,
                          @JsonProperty("password-env") String passwordEnv,
                          @JsonProperty("docker-config") String dockerConfig, String helper) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The source, checked: exactly one of a user (with one password source), a docker config, a helper. */
    UpstreamCredentials source(String where, String host) {
        int kinds = (username != null ? 1 : 0) + (dockerConfig != null ? 1 : 0) + (helper != null ? 1 : 0);
        if (kinds != 1 || username != null && (passwordFile == null) == (passwordEnv == null)
                || username == null && (passwordFile != null || passwordEnv != null)) {
            throw new IllegalArgumentException(where + ": credentials take username with password-file or"
                    + " password-env, or docker-config, or helper");
        }
        if (helper != null) {
            return () -> helper(helper, host);
        }
        if (dockerConfig != null) {
            Path config = Path.of(dockerConfig);
            return () -> fromDockerConfig(config, host).orElseThrow(() -> new IOException(config
                    + " holds no credentials for " + host));
        }
        return () -> new UpstreamCredentials.Login(username, passwordFile != null
                ? Files.readString(Path.of(passwordFile)).strip()
                : Optional.ofNullable(System.getenv(passwordEnv)).orElseThrow(() -> new IOException(
                        "environment variable " + passwordEnv + " is not set")));
    }

    /** What a docker config.json holds for {@code host}: its auths entry, or its helper's answer. */
    static Optional<UpstreamCredentials.Login> fromDockerConfig(Path config, String host) throws IOException {
        if (!Files.isRegularFile(config)) {
            return Optional.empty();
        }
        JsonNode root = JSON.readTree(config.toFile());
        String key = host.equals("registry-1.docker.io") ? "docker.io" : host;
        JsonNode helpers = root.path("credHelpers");
        if (helpers.has(key)) {
            return Optional.of(helper(helpers.get(key).asText(), key));
        }
        for (String name : key.equals("docker.io") ? List.of("https://index.docker.io/v1/", "docker.io",
                "index.docker.io") : List.of(key, "https://" + key, "http://" + key)) {
            JsonNode auth = root.path("auths").path(name).path("auth");
            if (auth.isTextual()) {
                String decoded = new String(Base64.getDecoder().decode(auth.asText()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    return Optional.of(new UpstreamCredentials.Login(decoded.substring(0, colon),
                            decoded.substring(colon + 1)));
                }
            }
        }
        if (root.path("credsStore").isTextual()) {
            return Optional.of(helper(root.path("credsStore").asText(), key));
        }
        return Optional.empty();
    }

    /** Runs {@code docker-credential-NAME get} (or the helper at a path) for {@code host}. */
    static UpstreamCredentials.Login helper(String name, String host) throws IOException {
        String program = name.contains("/") ? name : "docker-credential-" + name;
        Process process = new ProcessBuilder(program, "get").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            process.getOutputStream().write(host.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readNBytes(64 * 1024);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("credential helper " + program + " failed for " + host);
            }
            Map<?, ?> answer = JSON.readValue(out, Map.class);
            Object user = answer.get("Username");
            Object secret = answer.get("Secret");
            if (!(user instanceof String u) || !(secret instanceof String s)) {
                throw new IOException("credential helper " + program + " answered without Username and Secret");
            }
            return new UpstreamCredentials.Login(u, s);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running " + program, e);
        } finally {
            process.destroy();
        }
    }
}
