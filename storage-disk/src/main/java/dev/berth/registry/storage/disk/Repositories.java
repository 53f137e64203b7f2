// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.Page;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;

/** Finds repositories: directories under repositories/ that hold a {@code _blobs} or {@code _manifests} entry. */
final class Repositories {
    private Repositories() {
    }

    /** All repositories with content, sorted: one page without an end. */
    static List<Repository> list(Layout layout) throws IOException {
        return page(layout, Optional.empty(), Integer.MAX_VALUE - 1).items();
    }

    /**
     * catalog-1: the repositories after {@code after}, in name order, at most {@code limit}, read
     * lazily: directories are opened in the order of the names they can hold, subtrees whose
     * names all sort before {@code after} are never opened, and the walk stops after
     * {@code limit + 1} finds, so a page costs about its own size, not the whole tree's.
     */
    static Page<Repository> page(Layout layout, Optional<Repository> after, int limit) throws IOException {
        // a key "p" is a directory that may be repository p; "p/" stands for everything under it:
        // every name in that subtree sorts at or after "p/", so one queue yields names in order
        PriorityQueue<String> frontier = new PriorityQueue<>();
        String afterName = after.map(Repository::name).orElse("");
        addChildren(layout.repositories(), "", afterName, frontier);
        List<Repository> found = new ArrayList<>();
        while (!frontier.isEmpty() && found.size() <= limit) {
            String key = frontier.poll();
            if (key.endsWith("/")) {
                addChildren(layout.repositories().resolve(key), key, afterName, frontier);
            } else if (key.compareTo(afterName) > 0 && holdsContent(layout.repositories().resolve(key))) {
                try {
                    found.add(new Repository(key));
                } catch (IllegalArgumentException strayDirectory) {
                    // not made by a push (a name no client can send): not a repository
                }
            }
        }
        return Page.of(found, limit);
    }

    private static void addChildren(Path dir, String prefix, String after, PriorityQueue<String> frontier)
            throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (name.startsWith("_")) {
                    continue; // no stat of the others: under repositories/ only directories are made
                }
                String repo = prefix + name;
                if (repo.compareTo(after) > 0) {
                    frontier.add(repo);
                }
                String subtree = repo + "/";
                if (subtree.compareTo(after) > 0 || after.startsWith(subtree)) {
                    frontier.add(subtree); // otherwise every name under it sorts before after
                }
            }
        } catch (NoSuchFileException e) {
            // removed while listing
        } catch (NotDirectoryException e) {
            if (prefix.isEmpty()) {
                throw e; // repositories/ itself: the storage is broken, and readiness must say so
            }
            // a stray file under repositories/
        }
    }

    private static boolean holdsContent(Path dir) throws IOException {
        try {
            return hasEntries(dir.resolve("_blobs")) || hasEntries(dir.resolve("_manifests"));
        } catch (NotDirectoryException strayFile) {
            return false;
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
