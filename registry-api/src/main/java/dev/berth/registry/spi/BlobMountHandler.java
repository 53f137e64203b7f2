// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import java.io.IOException;

/** Capability: make a blob of one repository readable through another without copying it. */
public interface BlobMountHandler extends BlobHandler {
    /**
     * mount-1: afterwards {@code get(to, digest)} returns the blob of {@code from}.
     * mount-2: a digest unknown in {@code from} throws {@link NotFoundException} and changes
     * nothing.
     */
    void mount(Repository from, Repository to, Digest digest) throws IOException;
}
