// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.cli;

import dev.berth.registry.server.ops.AdminServer;
import dev.berth.registry.jetty.BerthServer;
import dev.berth.registry.jetty.LayoutPreloader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Globs;
import dev.berth.registry.core.Registry;
import dev.berth.registry.core.Repositories;
import dev.berth.registry.spi.gc.CollectableStorage;
import dev.berth.registry.spi.gc.CollectionHandler;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.Storage;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The operator's offline commands, on a data directory no server is using (the disk backend
 * locks it): {@code gc} (with the {@code --policy} file's retention rules), {@code check},
 * {@code export}, {@code import}; {@code quotas} is in {@link PolicyCommands}.
 */
final class AdminCommands {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminCommands() {
    }

    private static List<Repository> repositories(Storage storage) throws java.io.IOException {
        List<Repository> all = new ArrayList<>();
        Repositories.forEach(storage.manifests(), Optional.empty(), 1000, all::add);
        return all;
    }

    @Command(name = "gc", mixinStandardHelpOptions = true,
            description = "Collect garbage once, with progress on stderr and the report as JSON on stdout.")
    static final class Gc implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Option(names = "--dry-run", description = "Report what would be swept; change nothing.")
        boolean dryRun;

        @Option(names = "--grace", defaultValue = "24h", description = "Keep unreferenced content younger than this (default: ${DEFAULT-VALUE}).")
        String grace;

        @Option(names = "--untagged", paramLabel = "GLOB", split = ",", description = "Also collect untagged manifests in repositories matching GLOB.")
        List<String> untagged = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            try (Storage storage = main.storageSettings().open()) {
                Registry registry = Registry.builder().storage(storage).build();
                Collector collector = Collector.builder(registry).grace(Settings.duration("--grace", grace))
                        .untagged(Globs.repositories(untagged))
                        .retention(PolicyCommands.retention(main, storage))
                        .checkpoint((phase, repo, kind) -> {
                            if (phase == Collector.Phase.SWEPT) {
                                System.err.println("gc: " + repo + " " + kind.name().toLowerCase() + "s done");
                            }
                        }).build();
                Collector.Report report = collector.collect(dryRun);
                System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(AdminServer.toJson(report)));
                return 0;
            }
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Read every manifest and blob and verify it against its digest; exit 1 if any fails.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Override
        public Integer call() throws Exception {
            PrintStream err = System.err;
            try (Storage storage = main.storageSettings().open()) {
                if (!(storage instanceof CollectableStorage collectable)) {
                    throw new IllegalArgumentException("storage " + main.storageSettings().name()
                            + " cannot list its blobs (no CollectableStorage)");
                }
                CollectionHandler index = collectable.collection();
                List<Repository> repos = repositories(storage);
                int checked = 0;
                long bytes = 0;
                List<String> problems = new ArrayList<>();
                Set<Digest> seen = new java.util.HashSet<>();
                long lastProgress = System.nanoTime();
                for (int r = 0; r < repos.size(); r++) {
                    Repository repo = repos.get(r);
                    for (CollectionHandler.StoredManifest m : index.manifests(repo)) {
                        try {
                            Manifest manifest = storage.manifests().get(repo, m.item().digest());
                            if (!Digest.of(m.item().digest().algorithm(), manifest.content()).equals(m.item().digest())) {
                                problems.add(repo + " manifest " + m.item().digest() + ": content does not match");
                            }
                        } catch (java.io.IOException | java.io.UncheckedIOException e) {
                            problems.add(repo + " manifest " + m.item().digest() + ": " + e.getMessage());
                        }
                        checked++;
                    }
                    for (CollectionHandler.Item blob : index.blobs(repo)) {
                        if (!seen.add(blob.digest())) {
                            continue; // content is stored once
                        }
                        try (InputStream in = storage.blobs().get(repo, blob.digest())) {
                            MessageDigest md = blob.digest().algorithm().newMessageDigest();
                            byte[] buffer = new byte[1 << 16];
                            int n;
                            while ((n = in.read(buffer)) >= 0) {
                                md.update(buffer, 0, n);
                                bytes += n;
                            }
                            String actual = HexFormat.of().formatHex(md.digest());
                            if (!actual.equals(blob.digest().encoded())) {
                                problems.add(repo + " blob " + blob.digest() + ": content hashes to " + actual);
                            }
                        } catch (java.io.IOException | java.io.UncheckedIOException e) {
                            problems.add(repo + " blob " + blob.digest() + ": " + e.getMessage());
                        }
                        checked++;
                        if (System.nanoTime() - lastProgress > 2_000_000_000L) {
                            lastProgress = System.nanoTime();
                            err.printf("check: %d objects, %d MiB, repository %d of %d%n", checked, bytes >> 20, r + 1,
                                    repos.size());
                        }
                    }
                }
                err.printf("check: %d objects (%d bytes of blobs) in %d repositories, %d problems%n", checked, bytes,
                        repos.size(), problems.size());
                problems.forEach(p -> System.out.println("FAILED " + p));
                return problems.isEmpty() ? 0 : 1;
            }
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write images to an OCI image layout directory (tags become org.opencontainers.image.ref.name).")
    static final class Export implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Parameters(paramLabel = "REPOSITORY:TAG", arity = "1..*", description = "Images to export (tag or @digest).")
        List<String> images;

        @Option(names = "--to", required = true, paramLabel = "DIR", description = "The layout directory (created if missing).")
        Path to;

        @Override
        public Integer call() throws Exception {
            try (Storage storage = main.storageSettings().open()) {
                Files.createDirectories(to.resolve("blobs"));
                Files.writeString(to.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
                Path indexFile = to.resolve("index.json");
                ObjectNode index = Files.exists(indexFile) ? (ObjectNode) JSON.readTree(indexFile.toFile())
                        : JSON.createObjectNode().put("schemaVersion", 2);
                ArrayNode entries = index.withArray("manifests");
                for (String image : images) {
                    int at = image.indexOf('@');
                    int colon = image.lastIndexOf(':');
                    Repository repo = Repository.parse(at >= 0 ? image.substring(0, at)
                            : colon > 0 ? image.substring(0, colon) : image);
                    Optional<String> tag = at >= 0 ? Optional.empty()
                            : Optional.of(colon > 0 ? image.substring(colon + 1) : "latest");
                    Digest digest = at >= 0 ? Digest.parse(image.substring(at + 1))
                            : storage.manifests().resolve(repo, Tag.parse(tag.get()));
                    Manifest manifest = storage.manifests().get(repo, digest);
                    writeTree(storage, repo, manifest, new LinkedHashSet<>());
                    ObjectNode entry = JSON.createObjectNode().put("mediaType", manifest.mediaType().value())
                            .put("digest", digest.toString()).put("size", manifest.content().length);
                    tag.ifPresent(t -> entry.putObject("annotations").put("org.opencontainers.image.ref.name", t));
                    entries.add(entry);
                    System.err.println("export: " + image + " " + digest);
                }
                Files.write(indexFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
                return 0;
            }
        }

        /** The manifest, its child manifests and every blob they reference, each once. */
        private void writeTree(Storage storage, Repository repo, Manifest manifest, Set<Digest> done) throws Exception {
            if (!done.add(manifest.digest())) {
                return;
            }
            write(manifest.digest(), new java.io.ByteArrayInputStream(manifest.content()));
            JsonNode json = JSON.readTree(manifest.content());
            for (JsonNode child : json.path("manifests")) {
                writeTree(storage, repo, storage.manifests().get(repo, Digest.parse(child.get("digest").asText())), done);
            }
            List<JsonNode> blobs = new ArrayList<>();
            if (json.has("config")) {
                blobs.add(json.get("config"));
            }
            json.path("layers").forEach(blobs::add);
            for (JsonNode blob : blobs) {
                Digest d = Digest.parse(blob.get("digest").asText());
                if (done.add(d) && !(blob.has("urls") && blob.get("urls").size() > 0)) {
                    try (InputStream in = storage.blobs().get(repo, d)) {
                        write(d, in);
                    }
                }
            }
        }

        private void write(Digest digest, InputStream content) throws Exception {
            Path dir = Files.createDirectories(to.resolve("blobs").resolve(digest.algorithm().id()));
            Path target = dir.resolve(digest.encoded());
            if (Files.exists(target)) {
                return;
            }
            Path tmp = Files.createTempFile(dir, ".export", ".tmp");
            MessageDigest md = digest.algorithm().newMessageDigest();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), md)) {
                content.transferTo(out);
            }
            if (!HexFormat.of().formatHex(md.digest()).equals(digest.encoded())) {
                Files.delete(tmp);
                throw new java.io.IOException("stored content of " + digest + " does not match its digest");
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Push every image of an OCI image layout into a repository (through the registry's own checks).")
    static final class Import implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Parameters(index = "0", paramLabel = "LAYOUT_DIR")
        Path layout;

        @Option(names = "--repository", required = true, paramLabel = "NAME", description = "Repository to import into.")
        String repository;

        @Override
        public Integer call() throws Exception {
            try (Storage storage = main.storageSettings().open()) {
                Registry registry = Registry.builder().storage(storage).build();
                try (BerthServer server = BerthServer.start(registry)) {
                    LayoutPreloader.push(layout, java.net.URI.create(server.uri().toString().replaceAll("/$", "")),
                            Repository.parse(repository).name());
                }
                System.err.println("import: " + layout + " into " + repository + ": "
                        + storage.manifests().tags(Repository.parse(repository), Optional.empty(), 1000).items().size()
                        + " tags");
                return 0;
            }
        }
    }
}
