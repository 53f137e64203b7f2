// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs Debian's podman with its own storage (vfs) under {@code dir}. */
final class Podman {
    private final Path dir;
    private final Map<String, String> env = new LinkedHashMap<>();

    Podman(Path dir) {
        this.dir = dir;
    }

    /** Every later call reads {@code registriesConf} (mirrors, insecure hosts) instead of the system's. */
    Podman registriesConf(Path registriesConf) {
        env.put("CONTAINERS_REGISTRIES_CONF", registriesConf.toString());
        return this;
    }

    /** Runs {@code podman ARGS}, failing with its output on a non-zero exit; returns the output. */
    String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman", "--root", dir.resolve("root").toString(),
                "--runroot", dir.resolve("run").toString(), "--storage-driver", "vfs"));
        command.addAll(List.of(args));
        Path out = dir.resolve("podman.out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("podman " + String.join(" ", args) + " timed out");
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError("podman " + String.join(" ", args) + " failed:\n" + output);
        }
        return output;
    }
}
