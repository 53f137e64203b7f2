// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private Docker daemon (Debian's docker.io, as root): its own data and exec roots and socket
 * under {@code dir}, the vfs storage driver, no iptables and no bridge, so it touches nothing of
 * the machine's.
 */
final class Dockerd implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final Path socket;
    private final Path log;

    /** What a docker command printed (stdout and stderr together) and its exit code. */
    record Result(int exit, String output) {
    }

    private Dockerd(Process process, Path dir, Path socket, Path log) {
        this.process = process;
        this.dir = dir;
        this.socket = socket;
        this.log = log;
    }

    /** @param options more daemon options, e.g. {@code --registry-mirror URL} */
    static Dockerd start(Path dir, String... options) throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new AssertionError("the Docker daemon tests run as root (as CI does): dockerd needs it");
        }
        Path socket = dir.resolve("d.sock");
        Path log = dir.resolve("dockerd.log");
        Process p;
        try {
            List<String> command = new ArrayList<>(List.of("dockerd", "--storage-driver", "vfs", "--iptables=false",
                    "--bridge=none", "--data-root", dir.resolve("data").toString(), "--exec-root",
                    dir.resolve("exec").toString(), "--pidfile", dir.resolve("dockerd.pid").toString(), "-H",
                    "unix://" + socket));
            command.addAll(List.of(options));
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("dockerd is not installed: run the tests with `bash scripts/test.sh`, which installs"
                    + " docker.io", e);
        }
        Dockerd daemon = new Dockerd(p, dir, socket, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.exists(socket) && daemon.run("version").exit() == 0) {
                return daemon;
            }
            Thread.sleep(200);
        }
        daemon.close();
        throw new AssertionError("dockerd did not start within 60 s:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }

    /** Where clients reach this daemon, as DOCKER_HOST names it. */
    String host() {
        return "unix://" + socket;
    }

    /** Runs {@code docker ARGS} against this daemon, to its end (bounded). */
    Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker", "-H", host()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("docker " + String.join(" ", args) + " did not end within 120 s");
        }
        return new Result(p.exitValue(), output);
    }

    /** Runs {@code docker ARGS}, failing with its output unless it succeeds. */
    String ok(String... args) throws IOException, InterruptedException {
        Result r = run(args);
        if (r.exit() != 0) {
            throw new AssertionError("docker " + String.join(" ", args) + " failed (" + r.exit() + "):\n" + r.output());
        }
        return r.output();
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.toHandle().destroy(); // SIGTERM: dockerd stops the containerd it started
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        // a daemon that ran a container leaves its network namespace mounted under the exec root
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] fields = line.split(" ");
            if (fields.length > 1 && fields[1].startsWith(dir.toAbsolutePath() + "/")) {
                new ProcessBuilder("umount", "-l", fields[1]).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
