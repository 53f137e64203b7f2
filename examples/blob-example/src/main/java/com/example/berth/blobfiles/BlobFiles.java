// SPDX-License-Identifier: Apache-2.0
package com.example.berth.blobfiles;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobDeleteHandler;
import dev.berth.registry.spi.BlobMountHandler;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.BlobStatHandler;
import dev.berth.registry.spi.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Blobs as plain files: {@code ROOT/content/ALG/HEX} holds each blob once, and
 * {@code ROOT/links/REPOSITORY/_blob/ALG/HEX} (an empty file) says a repository has it, so a blob is
 * readable only through the repositories it was pushed or mounted into. Content is written to
 * {@code ROOT/tmp}, forced to disk and renamed into place before its link, so no reader sees part
 * of a blob and an acknowledged push survives a crash.
 */
final class BlobFiles implements BlobStatHandler, BlobPutHandler, BlobDeleteHandler, BlobMountHandler {
    private final Path root;

    BlobFiles(Path root) throws IOException {
        this.root = root.toAbsolutePath();
        Files.createDirectories(this.root.resolve("tmp"));
    }

    private Path content(Digest digest) {
        return root.resolve("content").resolve(digest.algorithm().id()).resolve(digest.encoded());
    }

    private Path link(Repository repo, Digest digest) {
        // "_blob" is no repository name component, so "a" and "a/sha256" never share a path
        return root.resolve("links").resolve(repo.name()).resolve("_blob").resolve(digest.algorithm().id())
                .resolve(digest.encoded());
    }

    /** The content of a blob {@code repo} links (content is never deleted); NotFoundException otherwise. */
    private Path linked(Repository repo, Digest digest) throws NotFoundException {
        Path content = content(digest);
        if (!Files.exists(link(repo, digest)) || !Files.exists(content)) {
            throw new NotFoundException("blob " + digest + " is not in " + repo);
        }
        return content;
    }

    @Override
    public InputStream get(Repository repo, Digest digest) throws IOException {
        return Files.newInputStream(linked(repo, digest));
    }

    @Override
    public long stat(Repository repo, Digest digest) throws IOException {
        return Files.size(linked(repo, digest));
    }

    @Override
    public void put(Repository repo, Digest digest, InputStream content) throws IOException {
        Path tmp = root.resolve("tmp").resolve(UUID.randomUUID().toString());
        try {
            // read to the end even when the content is stored: the stream's check is what proves the bytes
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
                content.transferTo(out);
            }
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.createDirectories(content(digest).getParent());
            Files.move(tmp, content(digest), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp); // a failed put leaves nothing
        }
        writeLink(repo, digest);
    }

    private void writeLink(Repository repo, Digest digest) throws IOException {
        Path link = link(repo, digest);
        Files.createDirectories(link.getParent());
        if (!Files.exists(link)) {
            Files.write(link, new byte[0]);
        }
    }

    @Override
    public void delete(Repository repo, Digest digest) throws IOException {
        if (!Files.deleteIfExists(link(repo, digest))) {
            throw new NotFoundException("blob " + digest + " is not in " + repo);
        }
    }

    @Override
    public void mount(Repository from, Repository to, Digest digest) throws IOException {
        linked(from, digest);
        writeLink(to, digest);
    }
}
