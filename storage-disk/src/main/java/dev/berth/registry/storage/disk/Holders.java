// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The index of which repositories hold a blob: an empty file per link under
 * {@code holders/ALG/AB/HEX/}, named after the repository with {@code /} written as {@code +}
 * (no repository name holds a {@code +}). Changed only under the digest's lock, next to the link
 * it mirrors, and never fsynced: the link is the truth. An entry is made before its link and
 * removed after it, so a crash can leave an entry without a link (a mount from it fails and the
 * next holder is tried) or, when the entry was not yet on disk, a link without an entry, which the
 * collector's walk over every link puts back ({@link #ensure}).
 */
final class Holders {
    private final Layout layout;

    Holders(Layout layout) {
        this.layout = layout;
    }

    private Path dir(Digest digest) {
        String hex = digest.encoded();
        return layout.holders().resolve(digest.algorithm().id()).resolve(hex.substring(0, 2)).resolve(hex);
    }

    private Path entry(Digest digest, Repository repo) {
        return dir(digest).resolve(repo.name().replace('/', '+'));
    }

    /** Records that {@code repo} holds {@code digest}. Call with the digest's lock held. */
    void add(Repository repo, Digest digest) throws IOException {
        Path entry = entry(digest, repo);
        Files.createDirectories(entry.getParent());
        try {
            Files.createFile(entry);
        } catch (FileAlreadyExistsException e) {
            // recorded already
        }
    }

    /** Forgets that {@code repo} holds {@code digest}. Call with the digest's lock held. */
    void remove(Repository repo, Digest digest) throws IOException {
        Files.deleteIfExists(entry(digest, repo));
    }

    /** Forgets every holder of content that is gone, stale entries included. Call with the lock held. */
    void removeAll(Digest digest) throws IOException {
        Path dir = dir(digest);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                Files.deleteIfExists(entry);
            }
        } catch (NoSuchFileException e) {
            return;
        }
        Files.deleteIfExists(dir);
    }

    /** Whether the entry for an existing link is there; the collector's walk adds missing ones under the lock. */
    boolean has(Repository repo, Digest digest) {
        return Files.exists(entry(digest, repo));
    }

    /**
     * Whether any repository links {@code digest}: a listed holder whose link exists answers at
     * once; otherwise every repository is looked at, since the index may miss a link after a
     * crash. Call with the digest's lock held.
     */
    boolean linkedAnywhere(Digest digest) throws IOException {
        for (Repository holder : list(digest, 10)) {
            if (Files.exists(layout.blobLink(holder, digest))) {
                return true;
            }
        }
        for (Repository repo : Repositories.list(layout)) {
            if (Files.exists(layout.blobLink(repo, digest))) {
                return true;
            }
        }
        return false;
    }

    /** locate-3: the first {@code limit} holders the directory lists, in its order. */
    List<Repository> list(Digest digest, int limit) throws IOException {
        List<Repository> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir(digest))) {
            for (Path entry : entries) {
                if (found.size() == limit) {
                    break;
                }
                found.add(new Repository(entry.getFileName().toString().replace('+', '/')));
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return found;
    }
}
