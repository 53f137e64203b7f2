// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Page;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Manifests as content plus a facts file per repository; tags as files holding a digest,
 * replaced by atomic rename (concurrent pushes of one tag: the last rename wins, whole).
 */
final class DiskManifestHandler implements ManifestHandler {
    private final Layout layout;
    private final DiskBlobHandler blobs;

    DiskManifestHandler(Layout layout, DiskBlobHandler blobs) {
        this.layout = layout;
        this.blobs = blobs;
    }

    @Override
    public Manifest get(Repository repo, Digest digest) throws IOException {
        Facts facts = facts(repo, digest);
        try {
            byte[] content = Files.readAllBytes(layout.blob(digest));
            return Manifest.stored(digest, facts.mediaType(), content);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("manifest " + digest + " is listed in " + repo + " but its content is gone");
        }
    }

    private Facts facts(Repository repo, Digest digest) throws IOException {
        Path file = layout.manifest(repo, digest);
        try {
            return Facts.decode(Files.readAllBytes(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new NotFoundException("manifest " + digest + " is not in " + repo);
        }
    }

    @Override
    public Digest resolve(Repository repo, Tag tag) throws IOException {
        Path file = layout.tag(repo, tag);
        try {
            return Digest.parse(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (NoSuchFileException e) {
            throw new NotFoundException("tag " + tag + " is not in " + repo);
        } catch (IllegalArgumentException e) {
            throw new IOException("tag file " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    @Override
    public void put(Repository repo, Manifest manifest, Set<Tag> tags) throws IOException {
        Digest digest = manifest.digest();
        ReentrantLock lock = blobs.locks().of(digest);
        lock.lock();
        try { // content, then facts, then referrers entry, then tags: nothing points at what is not there
            blobs.storeSmall(digest, manifest.content());
            Durable.write(layout.tmp(), layout.manifest(repo, digest), Facts.of(manifest).encode());
        } finally {
            lock.unlock();
        }
        if (manifest.subject().isPresent()) {
            Durable.touch(layout.referrer(repo, manifest.subject().get(), digest));
        }
        byte[] target = digest.toString().getBytes(StandardCharsets.US_ASCII);
        for (Tag tag : tags) {
            Durable.write(layout.tmp(), layout.tag(repo, tag), target);
        }
    }

    @Override
    public void delete(Repository repo, Digest digest) throws IOException {
        ReentrantLock lock = blobs.locks().of(digest);
        lock.lock();
        try { // tags and referrers entry first, facts last: no name ever points at a missing manifest
            Facts facts = facts(repo, digest);
            for (Tag tag : allTags(repo)) {
                try {
                    if (resolve(repo, tag).equals(digest)) {
                        Durable.delete(layout.tag(repo, tag));
                    }
                } catch (NotFoundException e) {
                    // removed concurrently
                }
            }
            if (facts.subject().isPresent()) {
                Durable.delete(layout.referrer(repo, facts.subject().get(), digest));
            }
            Durable.delete(layout.manifest(repo, digest));
            blobs.removeContentIfUnreferenced(digest);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void untag(Repository repo, Tag tag) throws IOException {
        if (!Durable.delete(layout.tag(repo, tag))) {
            throw new NotFoundException("tag " + tag + " is not in " + repo);
        }
    }

    @Override
    public Page<Tag> tags(Repository repo, Optional<Tag> after, int limit) throws IOException {
        Path dir = layout.repository(repo);
        if (!Repositories.hasEntries(dir.resolve("_manifests")) && !Repositories.hasEntries(dir.resolve("_blobs"))
                && !Files.isDirectory(layout.tags(repo))) {
            throw new NotFoundException("repository " + repo + " is not known");
        }
        TreeSet<Tag> all = allTags(repo);
        Set<Tag> view = after.isPresent() ? all.tailSet(after.get(), false) : all;
        return Page.of(view.stream().limit(limit + 1L).toList(), limit);
    }

    private TreeSet<Tag> allTags(Repository repo) throws IOException {
        TreeSet<Tag> tags = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(layout.tags(repo))) {
            for (Path f : files) {
                tags.add(new Tag(f.getFileName().toString()));
            }
        } catch (NoSuchFileException e) {
            // no tags yet
        }
        return tags;
    }

    @Override
    public Page<Repository> repositories(Optional<Repository> after, int limit) throws IOException {
        List<Repository> all = Repositories.list(layout);
        List<Repository> view = after.isEmpty() ? all
                : all.stream().filter(r -> r.compareTo(after.get()) > 0).toList();
        return Page.of(view.subList(0, Math.min(view.size(), limit + 1)), limit);
    }

    @Override
    public List<Descriptor> referrers(Repository repo, Digest subject) throws IOException {
        List<Descriptor> result = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.referrers(repo, subject))) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                Digest referrer = Digest.parse(name.replaceFirst("-", ":"));
                try {
                    result.add(facts(repo, referrer).descriptor(referrer));
                } catch (NotFoundException e) {
                    // deleted between listing and reading
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        result.sort((a, b) -> a.digest().toString().compareTo(b.digest().toString()));
        return result;
    }
}
