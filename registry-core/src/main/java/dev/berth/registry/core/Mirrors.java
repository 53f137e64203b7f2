// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Repository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;

/**
 * The registry's upstreams (a pull-through cache of each): which one a request's name means,
 * the cached namespaces pushes may not enter, and the expiry the online collector applies.
 */
final class Mirrors {
    static final Mirrors NONE = new Mirrors();

    private final Map<String, UpstreamClient> byName = new LinkedHashMap<>();
    private final Optional<UpstreamClient> fallback;
    private final ExecutorService fetchers;
    private final Optional<Path> spoolDirectory;

    private Mirrors() {
        this.fallback = Optional.empty();
        this.fetchers = null;
        this.spoolDirectory = Optional.empty();
    }

    Mirrors(List<Upstream> upstreams) {
        // each download waits for its upstream's budget on its own thread: as many threads as the
        // budgets allow, twice over, and no queue, so that a flood of distinct digests is refused, not piled up
        int threads = 2 * upstreams.stream().mapToInt(Upstream::maxConcurrent).sum();
        this.fetchers = new java.util.concurrent.ThreadPoolExecutor(0, threads, 60, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.SynchronousQueue<>(), daemon("berth-mirror-fetch"));
        for (Upstream upstream : upstreams) {
            if (byName.put(upstream.name(), new UpstreamClient(upstream)) != null) {
                throw new IllegalArgumentException("two upstreams are named " + upstream.name());
            }
        }
        List<UpstreamClient> defaults = byName.values().stream().filter(c -> c.upstream.isDefault()).toList();
        if (defaults.size() > 1) {
            throw new IllegalArgumentException("only one upstream may be the default: "
                    + defaults.stream().map(c -> c.upstream.name()).toList());
        }
        this.fallback = defaults.stream().findFirst();
        this.spoolDirectory = Optional.of(spoolDirectory());
    }

    boolean isEmpty() {
        return byName.isEmpty();
    }

    /** Where the download named {@code name} spools. */
    Path spool(String name) {
        return spoolDirectory.orElseThrow().resolve(name);
    }

    /** The threads downloads from upstreams run on. */
    ExecutorService fetchers() {
        return fetchers;
    }

    /**
     * The mirror a request for {@code name} (with containerd's {@code ns}) means: the upstream
     * {@code ns} names, the one {@code name} starts with, or the default one.
     */
    Optional<MirrorTarget> resolve(String name, Optional<String> ns) {
        if (byName.isEmpty()) {
            return Optional.empty();
        }
        if (ns.isPresent() && byName.containsKey(ns.get())) {
            return Optional.of(target(byName.get(ns.get()), name, MirrorTarget.Mode.NAMESPACE));
        }
        int slash = name.indexOf('/');
        if (slash > 0 && byName.containsKey(name.substring(0, slash))) {
            return Optional.of(target(byName.get(name.substring(0, slash)), name.substring(slash + 1),
                    MirrorTarget.Mode.PREFIX));
        }
        return fallback.map(client -> target(client, name, MirrorTarget.Mode.DEFAULT))
                .filter(MirrorTarget::allowed);
    }

    private static MirrorTarget target(UpstreamClient client, String name, MirrorTarget.Mode mode) {
        Upstream upstream = client.upstream;
        String remote = upstream.library() && name.indexOf('/') < 0 ? "library/" + name : name;
        Repository local = Names.repository(upstream.name() + "/" + remote);
        boolean allowed = client.mirrors.test(Names.repository(remote));
        return new MirrorTarget(client, remote, local, mode, allowed);
    }

    /** {@code retention} with each upstream's expiry first: its tags go once neither pushed nor pulled for that long. */
    Retention withExpiry(Retention retention) {
        if (byName.isEmpty()) {
            return retention;
        }
        List<RetentionRule> expiry = byName.values().stream().map(c -> c.upstream).map(u -> new RetentionRule(
                "mirror " + u.name(), repo -> repo.name().startsWith(u.name() + "/"), OptionalInt.empty(), List.of(),
                Optional.of(u.expireAfter()), Optional.of(u.expireAfter()), List.of(), Optional.of(u.expireAfter())))
                .toList();
        return () -> {
            List<RetentionRule> rules = new ArrayList<>(expiry);
            rules.addAll(retention.current());
            return rules;
        };
    }

    /** Stops the threads and removes the spool; downloads in progress fail, and their clients with them. */
    void close() {
        if (byName.isEmpty()) {
            return;
        }
        fetchers.shutdownNow();
        spoolDirectory.ifPresent(Mirrors::removeTree);
    }

    List<UpstreamStats> stats() {
        return byName.values().stream().map(c -> c.counts.snapshot(c.upstream.name())).toList();
    }

    /** The spool directories of mirrors, {@code berth-mirror-spool-PID-NANOS}: only names of exactly that form are ever removed. */
    private static final java.util.regex.Pattern SPOOL = java.util.regex.Pattern.compile("berth-mirror-spool-(\\d{1,18})-\\d{1,19}");

    /** A directory of this process for downloads in progress; those of processes no longer running are removed. */
    private static Path spoolDirectory() {
        try {
            Path temp = Path.of(System.getProperty("java.io.tmpdir"));
            try (Stream<Path> old = Files.list(temp)) {
                old.filter(Mirrors::ownerGone).forEach(Mirrors::removeTree);
            }
            Path mine = temp.resolve("berth-mirror-spool-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            Files.createDirectories(mine);
            mine.toFile().deleteOnExit();
            return mine;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the mirror's spool directory", e);
        }
    }

    static boolean ownerGone(Path spool) {
        java.util.regex.Matcher m = SPOOL.matcher(spool.getFileName().toString());
        return m.matches() && Files.isDirectory(spool) && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty();
    }

    private static void removeTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // another process's leftovers: tried again at the next start
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
