// SPDX-License-Identifier: Apache-2.0
package com.example.berth.ocilayout;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobDeleteHandler;
import dev.berth.registry.spi.BlobMountHandler;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.BlobStatHandler;
import dev.berth.registry.spi.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * The blobs of the {@code oci-layout} backend. Each repository is a layout: {@code ROOT/NAME/oci-layout}, {@code ROOT/NAME/index.json},
 * {@code ROOT/NAME/blobs/ALG/HEX}. Content is kept per repository (a layout is self-contained).
 * Writes go through a temporary file and a rename, so readers never see half a file.
 */
final class OciLayoutBlobs implements BlobStatHandler, BlobPutHandler, BlobDeleteHandler, BlobMountHandler {
    final Path root;

    OciLayoutBlobs(Path root) throws IOException {
        this.root = root.toAbsolutePath();
        Files.createDirectories(this.root.resolve(".tmp"));
    }

    Path layout(Repository repo) {
        return root.resolve(repo.name());
    }

    Path blob(Repository repo, Digest digest) {
        return layout(repo).resolve("blobs").resolve(digest.algorithm().id()).resolve(digest.encoded());
    }

    Path tmp() {
        return root.resolve(".tmp").resolve(UUID.randomUUID().toString());
    }

    /** Creates the layout marker the image-spec requires, once. */
    void ensureLayout(Repository repo) throws IOException {
        Path marker = layout(repo).resolve("oci-layout");
        if (!Files.exists(marker)) {
            Files.createDirectories(marker.getParent());
            publish(writeTmp("{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8)), marker);
        }
    }

    Path writeTmp(byte[] bytes) throws IOException {
        Path tmp = tmp();
        Files.write(tmp, bytes);
        return tmp;
    }

    void publish(Path tmp, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public InputStream get(Repository repo, Digest digest) throws IOException {
        try {
            return Files.newInputStream(blob(repo, digest));
        } catch (NoSuchFileException e) {
            throw new NotFoundException("blob " + digest + " is not in layout " + repo);
        }
    }

    @Override
    public long stat(Repository repo, Digest digest) throws IOException {
        try {
            return Files.size(blob(repo, digest));
        } catch (NoSuchFileException e) {
            throw new NotFoundException("blob " + digest + " is not in layout " + repo);
        }
    }

    @Override
    public void put(Repository repo, Digest digest, InputStream content) throws IOException {
        Path tmp = tmp();
        try {
            Files.copy(content, tmp); // reads to EOF: a mismatch throws here, before publishing
            ensureLayout(repo);
            publish(tmp, blob(repo, digest));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void delete(Repository repo, Digest digest) throws IOException {
        if (!Files.deleteIfExists(blob(repo, digest))) {
            throw new NotFoundException("blob " + digest + " is not in layout " + repo);
        }
    }

    @Override
    public void mount(Repository from, Repository to, Digest digest) throws IOException {
        try (InputStream in = get(from, digest)) {
            put(to, digest, in); // layouts are self-contained: a mount copies
        }
    }
}
