// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.api.Repository;
import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Registry;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.Page;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.tck.RegistryHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog is read page by page from the directory tree, in name order although the tree
 * nests {@code a/b} under {@code a} while {@code a-b} sorts between them; files and directories
 * an operator left under {@code repositories/} are neither listed nor in the collector's way.
 */
class DiskCatalogTest {
    @TempDir
    Path root;

    @Test
    @DisplayName("catalog pages follow name order across nesting and pass over stray files")
    void pagesInNameOrder() throws Exception {
        Storage storage = DiskStorage.open(root);
        List<String> names = List.of("a", "a/b", "a-b", "a.c/d", "a0", "b/c/d");
        Registry registry = Registry.builder().storage(storage).build();
        try (RegistryHttp http = RegistryHttp.serve(registry)) {
            for (String name : names) {
                http.client().pushBlob(name, ("layer of " + name).getBytes(StandardCharsets.UTF_8));
            }
            Files.writeString(root.resolve("repositories/notes.txt"), "left by an operator");
            Files.writeString(root.resolve("repositories/a/README"), "left by an operator");
            Files.createDirectories(root.resolve("repositories/.snapshot/_blobs/sha256"));
            Files.writeString(root.resolve("repositories/.snapshot/_blobs/sha256/x"), "");

            ManifestHandler manifests = storage.manifests();
            List<String> listed = new ArrayList<>();
            Optional<Repository> after = Optional.empty();
            for (int i = 0; i < 20; i++) {
                Page<Repository> page = manifests.repositories(after, 1);
                page.items().forEach(r -> listed.add(r.name()));
                if (!page.more()) {
                    break;
                }
                after = Optional.of(page.items().get(0));
            }
            assertEquals(List.of("a", "a-b", "a.c/d", "a/b", "a0", "b/c/d"), listed);

            // the collector's walk over every link passes over them too
            Collector.Report report = Collector.builder(registry).grace(Duration.ZERO).build().collect(false);
            assertEquals(names.size(), report.blobsSwept(), "no manifest references the pushed blobs: " + report);
        }
    }
}
