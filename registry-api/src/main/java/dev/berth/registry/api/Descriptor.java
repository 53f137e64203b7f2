// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** An OCI content descriptor (image-spec descriptor.md), as listed by the referrers API. */
public record Descriptor(MediaType mediaType, Digest digest, long size, Optional<String> artifactType,
                         Map<String, String> annotations) {
    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(artifactType, "artifactType");
        annotations = Map.copyOf(annotations);
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
    }
}
