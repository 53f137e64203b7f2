// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged server ({@code java -jar berth.jar}) as a child process on 127.0.0.1 and a free port. */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Berth listening on (https?://[^ ]+/)");

    private final Process process;
    private final URI uri;
    private final BlockingQueue<String> lines;

    private final StringBuffer all;

    /** Everything the server printed so far. */
    String output() {
        return all.toString();
    }

    private ServerProcess(Process process, URI uri, BlockingQueue<String> lines, StringBuffer all) {
        this.all = all;
        this.process = process;
        this.uri = uri;
        this.lines = lines;
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("berth.jar", "target/berth.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run through `mvn verify`, which packages it first");
        }
        return jar;
    }

    /** Starts the server with extra JVM options and server arguments; waits (bounded) for its URL. */
    /** What a command of the packaged jar printed (stdout and stderr together) and its exit code. */
    record Ran(int exit, String output) {
    }

    /** Runs {@code java -jar berth.jar ARGS} in {@code dir} with {@code env} added, to its end (bounded). */
    static Ran command(Path dir, java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("berth " + String.join(" ", args) + " did not end within 120 s");
        }
        return new Ran(p.exitValue(), output);
    }

    static ServerProcess start(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1"));
        all.addAll(List.of(args));
        return startOnAnyPort(jvmOptions, all.toArray(String[]::new));
    }

    /** As {@link #start}, leaving the address to the server's own default (or to {@code args}). */
    static ServerProcess startOnAnyPort(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> launch = new ArrayList<>(jvmOptions);
        launch.addAll(List.of("-jar", jar().toString()));
        return launch(launch, args);
    }

    /**
     * As {@link #start}, running the test class {@code main} (which calls into berth.jar's
     * {@code Main}) with berth.jar and the test classes on the class path.
     */
    static ServerProcess startMain(Class<?> main, String... args) throws IOException, InterruptedException {
        String classPath = jar() + java.io.File.pathSeparator + Path.of("target", "test-classes");
        List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1"));
        all.addAll(List.of(args));
        return launch(List.of("-cp", classPath, main.getName()), all.toArray(String[]::new));
    }

    private static ServerProcess launch(List<String> launch, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(launch);
        command.addAll(List.of("--port", "0"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        StringBuffer all = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    all.append(line).append('\n'); // first: whoever takes the line may read output() next
                    lines.add(line);
                }
            } catch (IOException e) {
                // process ended
            }
        }, "server-output");
        reader.setDaemon(true);
        reader.start();
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                if (!process.isAlive()) {
                    break;
                }
                continue;
            }
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return new ServerProcess(process, URI.create(m.group(1)), lines, all);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("server did not start; it printed:\n" + seen);
    }

    /** {@code http://127.0.0.1:PORT} without the trailing slash. */
    URI uri() {
        String s = uri.toString();
        return URI.create(s.substring(0, s.length() - 1));
    }

    Process process() {
        return process;
    }

    /** Waits until the server printed a line containing each of {@code texts}, in any order; returns them in that order. */
    List<String> awaitLines(List<String> texts, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String[] found = new String[texts.size()];
        int missing = texts.size();
        StringBuilder seen = new StringBuilder();
        while (missing > 0 && System.nanoTime() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line == null) {
                continue;
            }
            seen.append(line).append('\n');
            for (int i = 0; i < found.length; i++) {
                if (found[i] == null && line.contains(texts.get(i))) {
                    found[i] = line;
                    missing--;
                    break;
                }
            }
        }
        if (missing > 0) {
            throw new AssertionError("the server never printed lines with all of " + texts + " within " + seconds
                    + " s; it printed:\n" + seen + "(alive: " + process.isAlive() + ")");
        }
        return List.of(found);
    }

    /** Waits (bounded) for a printed line containing {@code text}. */
    String awaitLine(String text, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(text)) {
                return line;
            }
            if (line != null) {
                seen.append(line).append('\n');
            }
        }
        throw new AssertionError("the server never printed a line with \"" + text + "\" within " + seconds
                + " s; it printed:\n" + seen + "(alive: " + process.isAlive() + ")");
    }

    /** {@code kill -9}: no shutdown hook, no flush. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, keeping our end of its output open (Process.destroy would close it). */
    void sigterm() {
        process.toHandle().destroy();
    }

    /** SIGTERM, then waits (bounded) for the exit code. */
    int terminate(long seconds) throws InterruptedException {
        sigterm();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("server did not stop within " + seconds + " s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
