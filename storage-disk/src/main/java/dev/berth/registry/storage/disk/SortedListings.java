// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sorted names of large directories (the repositories, the tags of a repository), kept
 * while the directory is unchanged, so that a page of a listing costs a page and not a read and
 * sort of the whole directory. Adding or removing a name moves the directory's modification
 * time; a listing is kept only if the directory had not changed for {@link #SETTLED} before it
 * was read, so any later change shows as a newer time, even within the file system's timestamp
 * granularity. A directory that keeps changing is read each time, as without the cache.
 */
final class SortedListings {
    /** Directories with fewer names are read each time: cheap, and not worth the memory. */
    static final int MIN_NAMES = 256;
    static final Duration SETTLED = Duration.ofSeconds(2);

    /** Names in String order, and in the order of {@code name + "/"}, which differs: "a-b/" sorts before "a/". */
    private record Listing(FileTime modified, String[] names, String[] asDirectories) {
    }

    /** Both orders of one directory's names. */
    record Sorted(String[] names, String[] asDirectories) {
    }

    /** Orders names as {@code name + "/"} would sort, without building those strings. */
    static final java.util.Comparator<String> AS_DIRECTORIES = (a, b) -> {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return Character.compare(a.charAt(i), b.charAt(i));
            }
        }
        if (a.length() == b.length()) {
            return 0;
        }
        return a.length() < b.length() ? Character.compare('/', b.charAt(n)) : Character.compare(a.charAt(n), '/');
    };

    private final BoundedCache<Path, Listing> cache;

    /** Keeps at most about {@code maxNames} names in all (0: keeps none). */
    SortedListings(long maxNames) {
        this.cache = new BoundedCache<>(maxNames, listing -> listing.names().length);
    }

    /** The names in {@code dir}, sorted; {@code NoSuchFileException} or {@code NotDirectoryException} as a read throws. */
    String[] names(Path dir) throws IOException {
        return sorted(dir, false).names();
    }

    /** The names in {@code dir} in both orders. */
    Sorted bothOrders(Path dir) throws IOException {
        return sorted(dir, true);
    }

    private Sorted sorted(Path dir, boolean asDirectories) throws IOException {
        FileTime modified = Files.getLastModifiedTime(dir); // before the read: a change during it shows as newer
        Listing kept = cache.get(dir);
        if (kept != null && kept.modified().equals(modified) && (!asDirectories || kept.asDirectories() != null)) {
            return new Sorted(kept.names(), kept.asDirectories());
        }
        List<String> read = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                read.add(entry.getFileName().toString());
            }
        }
        String[] names = read.toArray(String[]::new);
        Arrays.sort(names);
        String[] directories = null;
        if (asDirectories) {
            directories = names.clone();
            Arrays.sort(directories, AS_DIRECTORIES);
        }
        if (names.length >= MIN_NAMES && modified.toInstant().isBefore(Instant.now().minus(SETTLED))) {
            cache.put(dir, new Listing(modified, names, directories));
        } else if (kept != null) {
            cache.remove(dir);
        }
        return new Sorted(names, directories);
    }

    /** The index of the first of {@code names} that {@code test} holds for, where it holds for all after the first too. */
    static int firstWhere(String[] names, java.util.function.Predicate<String> test) {
        int low = 0;
        int high = names.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (test.test(names[mid])) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }
}
