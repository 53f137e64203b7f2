// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import java.io.IOException;
import java.io.InputStream;

/**
 * Capability: store a blob from one stream. Core uses it for single-request pushes
 * ({@code POST ?digest=}) and for blob handlers given to the registry directly; without it, those
 * pushes go through an upload session ({@link UploadHandler}).
 */
public interface BlobPutHandler extends BlobHandler {
    /**
     * put-1: after a normal return, {@code get(repo, digest)} returns the content, durably as
     * far as the backend promises durability.
     * put-2: reads {@code content} to end-of-stream before committing; when reading throws
     * (core passes a {@link VerifyingInputStream}, which throws {@link DigestMismatchException}
     * or {@link SizeMismatchException} instead of end-of-stream), rethrows it and commits nothing.
     * put-2 holds when the content is already stored (here or in another repository): the stream
     * is still read to its end and nothing is linked when that fails, or a client could read
     * another repository's blob by naming its digest.
     * put-3: content already stored (in any repository) is stored once (the bytes read need not
     * be written again); concurrent puts of the same digest all succeed.
     */
    void put(Repository repo, Digest digest, InputStream content) throws IOException;
}
