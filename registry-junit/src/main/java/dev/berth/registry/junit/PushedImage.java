// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import dev.berth.registry.api.Digest;
import java.util.List;

/**
 * What {@link Fixtures} pushed: an image manifest (or an artifact's) in {@code repository}.
 *
 * @param manifest the manifest's exact bytes, whose digest is {@code digest}
 * @param layers   the layer digests in manifest order
 */
public record PushedImage(String repository, Digest digest, byte[] manifest, Digest config, List<Digest> layers) {
    /** {@code repository@digest}, to append to a host for a pull by digest. */
    public String reference() {
        return repository + "@" + digest;
    }
}
