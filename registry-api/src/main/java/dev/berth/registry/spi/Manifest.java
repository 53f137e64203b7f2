// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import java.util.Arrays;
import java.util.Objects;

/**
 * A manifest as stored: its exact bytes and media type (manifest-get-1). What core read from the
 * bytes when they were pushed is a {@link PushedManifest}.
 */
public record Manifest(Digest digest, MediaType mediaType, byte[] content) {
    public Manifest {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(content, "content");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && digest.equals(m.digest) && mediaType.equals(m.mediaType)
                && Arrays.equals(content, m.content);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }

    @Override
    public String toString() {
        return "Manifest[" + digest + ", " + mediaType + ", " + content.length + " bytes]";
    }
}
