// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.Page;
import dev.berth.registry.spi.Storage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sorted listings of large directories are kept while the directory is unchanged, and only then. */
class SortedListingsTest {
    private static final FileTime AN_HOUR_AGO = FileTime.from(Instant.now().minusSeconds(3600));

    @TempDir
    Path root;

    @Test
    @DisplayName("a settled directory's listing is kept, and a name added or removed afterwards shows at once")
    void keptUntilChanged() throws Exception {
        Path dir = Files.createDirectories(root.resolve("tags"));
        for (int i = 0; i < 300; i++) {
            Files.writeString(dir.resolve(String.format("v%03d", i)), "x");
        }
        Files.setLastModifiedTime(dir, AN_HOUR_AGO);
        SortedListings listings = new SortedListings(1000);
        assertEquals(300, listings.names(dir).length);

        Files.delete(dir.resolve("v000"));
        Files.setLastModifiedTime(dir, AN_HOUR_AGO); // a change the directory's time does not show
        assertEquals("v000", listings.names(dir)[0], "the kept listing is served while the time is unchanged");

        Files.writeString(dir.resolve("v300"), "x");
        String[] names = listings.names(dir);
        assertEquals(List.of("v001", "v300"), List.of(names[0], names[names.length - 1]), "a change moves the time");
        Files.delete(dir.resolve("v300"));
        assertEquals("v299", last(listings.names(dir)), "a directory changed just now is read each time");
        assertEquals("v299", last(listings.names(dir)));
    }

    @Test
    @DisplayName("catalog pages over a kept listing follow name order across nesting, and see a new repository")
    void catalogPagesOverKeptListings() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            names.add(String.format("r%03d", i));
            if (i % 10 == 0) {
                names.add(String.format("r%03d/sub", i));
                names.add(String.format("r%03d-x", i));
                names.add(String.format("r%03d/sub/deeper", i));
            }
        }
        try (Storage storage = DiskStorage.open(root)) {
            for (String name : names) {
                put(storage, name);
            }
            settle(root.resolve("repositories"));
            TreeSet<String> expected = new TreeSet<>(names);
            assertEquals(List.copyOf(expected), walk(storage, 7));
            assertEquals(List.copyOf(expected), walk(storage, 7), "again, from the kept listings");

            put(storage, "r150a");
            put(storage, "r020/sub/other");
            expected.addAll(List.of("r150a", "r020/sub/other"));
            assertEquals(List.copyOf(expected), walk(storage, 7));
        }
    }

    private static void put(Storage storage, String repository) throws Exception {
        byte[] content = ("layer of " + repository).getBytes(StandardCharsets.UTF_8);
        ((BlobPutHandler) storage.blobs()).put(new Repository(repository), Digest.sha256(content),
                new ByteArrayInputStream(content));
    }

    private static void settle(Path tree) throws Exception {
        try (Stream<Path> all = Files.walk(tree)) {
            for (Path dir : all.filter(Files::isDirectory).toList()) {
                Files.setLastModifiedTime(dir, AN_HOUR_AGO);
            }
        }
    }

    private static List<String> walk(Storage storage, int n) throws Exception {
        List<String> listed = new ArrayList<>();
        Optional<Repository> after = Optional.empty();
        while (true) {
            Page<Repository> page = storage.manifests().repositories(after, n);
            page.items().forEach(r -> listed.add(r.name()));
            assertTrue(page.items().size() <= n);
            if (!page.more()) {
                return listed;
            }
            after = Optional.of(page.items().get(page.items().size() - 1));
        }
    }

    private static String last(String[] names) {
        return Arrays.asList(names).get(names.length - 1);
    }
}
