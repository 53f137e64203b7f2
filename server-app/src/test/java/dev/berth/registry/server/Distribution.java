// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Debian's docker-registry (CNCF distribution) on 127.0.0.1, with one htpasswd user: a registry nobody here wrote. */
final class Distribution implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private Distribution(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static Distribution start(Path dir, String user, String password) throws IOException, InterruptedException {
        Process hash = new ProcessBuilder("htpasswd", "-Bbn", user, password).start();
        String line = new String(hash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!hash.waitFor(30, TimeUnit.SECONDS) || hash.exitValue() != 0) {
            throw new AssertionError("htpasswd failed: run the tests with `bash scripts/test.sh`, which installs it");
        }
        Path htpasswd = Files.writeString(dir.resolve("htpasswd"), line + "\n");
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                log: {level: warn}
                storage: {filesystem: {rootdirectory: %s}}
                http: {addr: "127.0.0.1:%d"}
                auth: {htpasswd: {realm: distribution, path: %s}}
                """.formatted(dir.resolve("data"), port, htpasswd));
        Path log = dir.resolve("registry.log");
        Process process;
        try {
            process = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("docker-registry is not installed: run the tests with `bash scripts/test.sh`", e);
        }
        Distribution started = new Distribution(process, port, log);
        for (int i = 0; i < 300 && process.isAlive(); i++) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return started;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        started.close();
        throw new AssertionError("docker-registry did not start:\n" + Files.readString(log));
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
