// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import java.io.IOException;

/** Capability: tell a blob's size without reading it (HEAD, manifest validation). */
public interface BlobStatHandler extends BlobHandler {
    /**
     * stat-1: the size in bytes of the blob {@code get} would return.
     * stat-2: unknown in {@code repo} throws {@link NotFoundException}.
     * stat-3: may throw {@link RedirectException} like {@code get}.
     */
    long stat(Repository repo, Digest digest) throws IOException;
}
