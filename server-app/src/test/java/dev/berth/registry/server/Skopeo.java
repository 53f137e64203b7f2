// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's skopeo with an accept-anything policy and a fresh blob-info cache per call. */
final class Skopeo {
    private final Path work;

    Skopeo(Path work) throws IOException {
        this.work = work;
        Files.writeString(work.resolve("policy.json"), "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
    }

    /** Runs {@code skopeo ARGS}, failing with its output on a non-zero exit; returns stdout. */
    String run(String... args) throws IOException, InterruptedException {
        return runWithCache(Files.createTempDirectory(work, "cache"), args);
    }

    /** Runs with a given blob-info cache, so a later call knows where an earlier one put blobs. */
    String runWithCache(Path cache, String... args) throws IOException, InterruptedException {
        // --debug: a failure shows every request skopeo sent and every answer (stderr, in the message)
        List<String> command = new ArrayList<>(List.of("skopeo", "--debug", "--policy", work.resolve("policy.json").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        // root would share /var/lib/containers/cache across calls and mount instead of uploading
        builder.environment().put("XDG_DATA_HOME", cache.toString());
        builder.environment().put("_CONTAINERS_ROOTLESS_UID", "1000");
        Path out = work.resolve("skopeo.out");
        Path err = work.resolve("skopeo.err");
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("skopeo " + String.join(" ", args) + " timed out");
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError("skopeo " + String.join(" ", args) + " failed (" + p.exitValue() + "):\n"
                    + Files.readString(err, StandardCharsets.UTF_8) + stdout);
        }
        return stdout;
    }

    static void requireInstalled() throws IOException, InterruptedException {
        try {
            Process p = new ProcessBuilder("skopeo", "--version").redirectErrorStream(true).start();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            // fall through
        }
        throw new AssertionError("skopeo is not installed: run the tests with `bash scripts/test.sh`, which installs it");
    }
}
