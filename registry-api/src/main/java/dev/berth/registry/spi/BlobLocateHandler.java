// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import java.io.IOException;
import java.util.List;

/**
 * Capability: the repositories that hold a blob, from an index kept beside the links, so that a
 * mount without {@code from} costs the same with ten repositories as with a million. Core mounts
 * from the first listed repository the caller may pull; without this capability such a mount
 * starts an upload instead.
 */
public interface BlobLocateHandler extends BlobMountHandler {
    /**
     * locate-1: after a put, upload commit or mount of {@code digest} into a repository returns,
     * that repository is listed (when {@code limit} is at least the number of holders).
     * locate-2: after a {@code delete} of it from a repository returns, or a collector's sweep of
     * that link, the repository is no longer listed. Only a crash may leave a repository listed
     * that no longer holds the blob (a mount from it then throws {@link NotFoundException} and
     * core tries the next); a crash may also leave a link unlisted, which costs a client an upload
     * and nothing else, until the backend's collector puts the entry back.
     * locate-3: at most {@code limit} repositories, each once, in whatever order the index gives
     * them cheapest (the first {@code limit} found, not the whole index sorted); unknown digest:
     * an empty list.
     */
    List<Repository> locate(Digest digest, int limit) throws IOException;
}
