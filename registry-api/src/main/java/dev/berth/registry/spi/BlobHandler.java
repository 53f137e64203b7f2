// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads blobs: the one interface every backend implements. Further capabilities are separate
 * interfaces ({@link BlobStatHandler}, {@link BlobPutHandler}, {@link BlobDeleteHandler},
 * {@link BlobMountHandler}) that core discovers with {@code instanceof}.
 */
public interface BlobHandler {
    /**
     * get-1: returns exactly the bytes committed for {@code digest} in {@code repo}; the caller
     * closes the stream.
     * get-2: a digest never committed to {@code repo} (even if another repository has it)
     * throws {@link NotFoundException}.
     * get-3: content stored elsewhere may throw {@link RedirectException} instead.
     */
    InputStream get(Repository repo, Digest digest) throws IOException;
}
