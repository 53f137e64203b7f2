// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.benchmarks;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a small-artifact push (a 1 KiB layer, its config and its manifest, five requests, into a
 * new repository) costs Berth and CNCF distribution, with their data on each directory given: a
 * disk, and a tmpfs where fsync costs nothing, so that the difference is the price of
 * durability and what remains is the processor's. After a warm-up (Berth's JIT compiles the push
 * path only after tens of thousands of requests), 16 and then 64 clients push for SECONDS each:
 * pushes/s, latency, and each server's user and system CPU and the clients' as cores in use. When
 * {@code strace} is on the PATH, a last 5 s run under {@code strace -c} counts the file-system
 * syscalls each push makes. Beside them, the directory's bare ceiling: 16 threads creating 1 KiB
 * files and fdatasyncing each, and how busy the whole machine's cores were (the kernel's journal
 * and block-device threads included). Prints JSON, then tables:
 * <pre>
 * java -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar dev.berth.registry.benchmarks.PushCost server-app/target/berth.jar [SECONDS] [WARM_SECONDS] [DIR ...]
 * </pre>
 * (defaults: 10 s, 60 s, {@code java.io.tmpdir} and {@code /dev/shm}).
 */
public final class PushCost {
    private static final List<String> SYSCALLS = List.of("fsync", "fdatasync", "mkdir", "rename", "openat", "unlink");
    private static final int TRACED_SECONDS = 5;

    private PushCost() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "server-app/target/berth.jar");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int warm = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        List<Path> dirs = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            dirs.add(Path.of(args[i]));
        }
        if (dirs.isEmpty()) {
            dirs.add(Path.of(System.getProperty("java.io.tmpdir")));
            dirs.add(Path.of("/dev/shm"));
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("date", java.time.LocalDate.now().toString());
        run.put("machine", BenchRegistries.machine());
        run.put("berth JVM flags", String.join(" ", BenchRegistries.berthJvmFlags()));
        run.put("seconds per load", seconds);
        run.put("warm-up seconds", warm);
        Map<String, Map<String, Object>> results = new LinkedHashMap<>();
        for (Path dir : dirs) {
            results.put("bare loop on " + dir + " (" + fileSystem(dir) + ")", durableFiles(dir));
            for (String server : List.of("berth", "distribution")) {
                results.put(server + " on " + dir + " (" + fileSystem(dir) + ")", measure(jar, server, dir, seconds, warm));
            }
        }
        run.put("runs", results);
        System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(run));
        print(results);
    }

    private static Map<String, Object> measure(Path jar, String name, Path parent, int seconds, int warm) throws Exception {
        Path dir = Files.createTempDirectory(parent, "berth-push-cost");
        Map<String, Object> figures = new LinkedHashMap<>();
        try (BenchRegistries.Server server = name.equals("berth") ? BenchRegistries.berth(jar, dir)
                : BenchRegistries.distribution(dir, null)) {
            URI r = server.uri();
            pushes(r, 16, warm, 0, new AtomicLong());
            for (int clients : new int[] {16, 64}) {
                double user0 = server.userCpuSeconds();
                double system0 = server.systemCpuSeconds();
                double self0 = ownCpuSeconds();
                long[] machine0 = machineTicks();
                long t0 = System.nanoTime();
                Map<String, Double> load = pushes(r, clients, seconds, clients, new AtomicLong());
                double elapsed = (System.nanoTime() - t0) / 1e9;
                Map<String, Double> f = new LinkedHashMap<>(load);
                f.put("server user cores", round((server.userCpuSeconds() - user0) / elapsed));
                f.put("server system cores", round((server.systemCpuSeconds() - system0) / elapsed));
                f.put("client cores", round((ownCpuSeconds() - self0) / elapsed));
                f.put("machine busy cores", busyCores(machine0, elapsed));
                figures.put(clients + " clients", f);
            }
            if (onPath("strace")) {
                figures.put("syscalls per push (16 clients, under strace)", traced(server, dir));
            }
            figures.put("peak_rss_MiB", server.peakRssKib() / 1024);
        } finally {
            TempDirectories.delete(dir);
        }
        return figures;
    }

    /** 16 threads each creating 1 KiB files and fdatasyncing them, for 5 s: files per second and busy cores. */
    private static Map<String, Object> durableFiles(Path parent) throws Exception {
        Path dir = Files.createTempDirectory(parent, "berth-push-cost");
        try {
            long[] machine0 = machineTicks();
            long t0 = System.nanoTime();
            Map<String, Double> files = LoadRuns.repeat(16, TRACED_SECONDS, (client, w, i) -> {
                try (FileChannel out = FileChannel.open(dir.resolve(w + "-" + i), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    out.write(ByteBuffer.wrap(new byte[1024]));
                    out.force(false);
                }
            });
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("1 KiB files fdatasynced per s, 16 threads", files.get("rps"));
            f.put("machine busy cores", busyCores(machine0, (System.nanoTime() - t0) / 1e9));
            return f;
        } finally {
            TempDirectories.delete(dir);
        }
    }

    /** All cores' busy and total ticks from /proc/stat's first line (idle and iowait are not busy). */
    private static long[] machineTicks() throws Exception {
        String[] t = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < t.length; i++) {
            total += Long.parseLong(t[i]);
        }
        return new long[] {total - Long.parseLong(t[4]) - Long.parseLong(t[5]), total};
    }

    private static double busyCores(long[] before, double elapsed) throws Exception {
        return round((machineTicks()[0] - before[0]) / 100.0 / elapsed);
    }

    /** {@code clients} pushing for {@code seconds}, each push a new repository; {@code count} counts them. */
    private static Map<String, Double> pushes(URI r, int clients, int seconds, int phase, AtomicLong count)
            throws Exception {
        return LoadRuns.repeat(clients, seconds, (client, w, i) -> {
            BenchRegistries.pushImage(client, r, "push/p" + phase + "-w" + w + "-" + i, "v1",
                    phase * 1_000_000_000L + w * 1_000_000L + i, 1024);
            count.incrementAndGet();
        });
    }

    /** The file-system syscalls of one push: {@code strace -f -c} on the server while 16 clients push. */
    private static Map<String, Double> traced(BenchRegistries.Server server, Path dir) throws Exception {
        Path summary = dir.resolve("strace.txt");
        Process strace = new ProcessBuilder("strace", "-f", "-c", "-o", summary.toString(), "-e",
                "trace=fsync,fdatasync,mkdir,mkdirat,rename,renameat,renameat2,openat,unlink,unlinkat",
                "-p", String.valueOf(server.process().pid())).redirectErrorStream(true)
                .redirectOutput(dir.resolve("strace.log").toFile()).start();
        Thread.sleep(1000); // attached to every thread
        AtomicLong count = new AtomicLong();
        pushes(server.uri(), 16, TRACED_SECONDS, 1000, count);
        strace.destroy(); // SIGTERM: strace detaches and writes its summary
        if (!strace.waitFor(30, TimeUnit.SECONDS)) {
            strace.destroyForcibly();
            throw new IllegalStateException("strace did not stop");
        }
        Map<String, Long> calls = new LinkedHashMap<>();
        for (String line : Files.readAllLines(summary, StandardCharsets.UTF_8)) {
            String[] t = line.trim().split("\\s+");
            if (t.length >= 5 && t[3].matches("[0-9]+")) {
                String call = t[t.length - 1].replaceFirst("^(mkdir|rename|unlink)(at|at2)$", "$1");
                calls.merge(call, Long.parseLong(t[3]), Long::sum);
            }
        }
        Map<String, Double> perPush = new LinkedHashMap<>();
        perPush.put("pushes traced", (double) count.get());
        for (String call : SYSCALLS) {
            perPush.put(call, round(calls.getOrDefault(call, 0L) / (double) Math.max(1, count.get())));
        }
        return perPush;
    }

    private static void print(Map<String, Map<String, Object>> results) {
        System.out.println("| server, data on | clients | pushes/s | p50 ms | p99 ms | server user cores"
                + " | server system cores | client cores | machine busy cores |\n|---|---|---|---|---|---|---|---|---|");
        results.forEach((name, figures) -> figures.forEach((key, value) -> {
            if (key.endsWith(" clients") && value instanceof Map<?, ?> f) {
                System.out.println(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |", name,
                        key.split(" ")[0], f.get("rps"), f.get("p50_ms"), f.get("p99_ms"), f.get("server user cores"),
                        f.get("server system cores"), f.get("client cores"), f.get("machine busy cores")));
            }
        }));
        results.forEach((name, figures) -> {
            if (name.startsWith("bare loop")) {
                System.out.println("\n" + name + ": " + figures);
            }
        });
        System.out.println("\n| server, data on | " + String.join(" | ", SYSCALLS) + " (per push) |\n|---|"
                + "---|".repeat(SYSCALLS.size()));
        results.forEach((name, figures) -> {
            if (figures.get("syscalls per push (16 clients, under strace)") instanceof Map<?, ?> f) {
                System.out.println("| " + name + " | " + String.join(" | ", SYSCALLS.stream()
                        .map(call -> String.valueOf(f.get(call))).toList()) + " |");
            }
        });
    }

    private static String fileSystem(Path dir) throws Exception {
        return Files.getFileStore(dir).type();
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static double ownCpuSeconds() throws Exception {
        long pid = ProcessHandle.current().pid();
        return (BenchRegistries.cpuTicks(pid, 11) + BenchRegistries.cpuTicks(pid, 12)) / 100.0;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
