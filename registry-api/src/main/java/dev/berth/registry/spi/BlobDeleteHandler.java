// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import java.io.IOException;

/** Capability: delete blobs from a repository. */
public interface BlobDeleteHandler extends BlobHandler {
    /**
     * delete-1: afterwards {@code get(repo, digest)} throws {@link NotFoundException}.
     * delete-2: other repositories holding the same digest are unaffected.
     * delete-3: a digest unknown in {@code repo} throws {@link NotFoundException}.
     */
    void delete(Repository repo, Digest digest) throws IOException;
}
