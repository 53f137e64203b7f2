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

    private static final SortedListings UNCACHED = new SortedListings(0);

    /** All repositories with content, sorted: one page without an end. */
    static List<Repository> list(Layout layout) throws IOException {
        return page(layout, UNCACHED, Optional.empty(), Integer.MAX_VALUE - 1).items();
    }

    /**
     * catalog-1: the repositories after {@code after}, in name order, at most {@code limit}, read
     * lazily: directories are opened in the order of the names they can hold, subtrees whose
     * names all sort before {@code after} are never opened, each directory's names come sorted
     * from {@code listings}, and the walk stops after {@code limit + 1} finds, so a page costs
     * about its own size, not the whole tree's.
     */
    static Page<Repository> page(Layout layout, SortedListings listings, Optional<Repository> after, int limit)
            throws IOException {
        String afterName = after.map(Repository::name).orElse("");
        // a directory's names are candidates "p" and subtrees "p/" (every name under it sorts at
        // or after "p/"); one queue of cursors over them yields names in order
        PriorityQueue<Cursor> frontier = new PriorityQueue<>(java.util.Comparator.comparing(Cursor::key));
        open(layout.repositories(), "", afterName, listings, frontier);
        List<Repository> found = new ArrayList<>();
        while (!frontier.isEmpty() && found.size() <= limit) {
            Cursor cursor = frontier.poll();
            String key = cursor.key();
            boolean subtree = cursor.subtree;
            if (cursor.advance()) {
                frontier.add(cursor);
            }
            if (subtree) {
                open(layout.repositories().resolve(key), key, afterName, listings, frontier);
            } else if (holdsContent(layout.repositories().resolve(key))) {
                try {
                    found.add(new Repository(key));
                } catch (IllegalArgumentException strayDirectory) {
                    // not made by a push (a name no client can send): not a repository
                }
            }
        }
        return Page.of(found, limit);
    }

    /** Names of one directory in one order, from the first that may belong on the page. */
    private static final class Cursor {
        private final String prefix;
        private final String[] names;
        private final boolean subtree;
        private int at;
        private String key;

        Cursor(String prefix, String[] names, boolean subtree, int from) {
            this.prefix = prefix;
            this.names = names;
            this.subtree = subtree;
            this.at = from - 1;
        }

        String key() {
            return key;
        }

        /** Moves to the next name that is no internal entry ({@code _blobs}, …); false past the end. */
        boolean advance() {
            do {
                at++;
            } while (at < names.length && names[at].startsWith("_"));
            key = at < names.length ? prefix + names[at] + (subtree ? "/" : "") : null;
            return key != null;
        }
    }

    private static void open(Path dir, String prefix, String after, SortedListings listings,
                             PriorityQueue<Cursor> frontier) throws IOException {
        SortedListings.Sorted sorted;
        try {
            sorted = listings.bothOrders(dir);
        } catch (NoSuchFileException e) {
            return; // removed while listing
        } catch (NotDirectoryException e) {
            if (prefix.isEmpty()) {
                throw e; // repositories/ itself: the storage is broken, and readiness must say so
            }
            return; // a stray file under repositories/
        }
        // opened as a subtree: every name under it sorts after "after", or "after" is inside it
        String rest = after.startsWith(prefix) ? after.substring(prefix.length()) : "";
        int names = SortedListings.firstWhere(sorted.names(), name -> name.compareTo(rest) > 0);
        int subtrees = SortedListings.firstWhere(sorted.asDirectories(), name -> (name + "/").compareTo(rest) > 0);
        if (subtrees > 0 && rest.startsWith(sorted.asDirectories()[subtrees - 1] + "/")) {
            subtrees--; // the subtree "after" is in: names after it may be under it
        }
        for (Cursor cursor : List.of(new Cursor(prefix, sorted.names(), false, names),
                new Cursor(prefix, sorted.asDirectories(), true, subtrees))) {
            if (cursor.advance()) {
                frontier.add(cursor);
            }
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
