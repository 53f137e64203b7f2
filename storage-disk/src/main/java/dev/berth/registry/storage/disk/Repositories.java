// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Repository;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Finds repositories: directories under repositories/ that hold a {@code _blobs} or {@code _manifests} entry. */
final class Repositories {
    private Repositories() {
    }

    /** All repositories with content, sorted. */
    static List<Repository> list(Layout layout) throws IOException {
        TreeSet<Repository> found = new TreeSet<>();
        walk(layout.repositories(), "", found);
        return new ArrayList<>(found);
    }

    private static void walk(Path dir, String prefix, TreeSet<Repository> found) throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            boolean hasContent = false;
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (name.startsWith("_")) {
                    hasContent |= (name.equals("_blobs") || name.equals("_manifests")) && hasEntries(child);
                } else if (Files.isDirectory(child)) {
                    walk(child, prefix.isEmpty() ? name : prefix + "/" + name, found);
                }
            }
            if (hasContent && !prefix.isEmpty()) {
                found.add(new Repository(prefix));
            }
        } catch (NoSuchFileException e) {
            // removed while listing
        }
    }

    /** Whether {@code dir/<algorithm>/} holds at least one file. */
    static boolean hasEntries(Path dir) throws IOException {
        try (DirectoryStream<Path> algorithms = Files.newDirectoryStream(dir)) {
            for (Path algorithm : algorithms) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(algorithm)) {
                    if (entries.iterator().hasNext()) {
                        return true;
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return false;
        }
        return false;
    }
}
