// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A manifest as core validated it on a push: its bytes plus what core read from them, so a
 * backend can index references (for garbage collection) and referrers without parsing JSON.
 *
 * @param references  every digest the manifest points at (config, layers, child manifests),
 *                    excluding {@code subject}; a backend keeps them as long as the manifest
 *                    exists so that a collector can tell what is in use
 * @param subject     the {@code subject} digest, if any (referrers API)
 * @param artifactType {@code artifactType}, or for an image manifest without one its config's
 *                    media type, as the referrers API lists it
 * @param external    the references that are non-distributable layers (they carry {@code urls}
 *                    and may live elsewhere): kept if present, not required to be
 */
public record PushedManifest(Manifest manifest, Set<Digest> references, Optional<Digest> subject,
                             Optional<String> artifactType, Map<String, String> annotations, Set<Digest> external) {
    public PushedManifest {
        Objects.requireNonNull(manifest, "manifest");
        references = Set.copyOf(references);
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(artifactType, "artifactType");
        annotations = Map.copyOf(annotations);
        external = Set.copyOf(external);
        if (!references.containsAll(external)) {
            throw new IllegalArgumentException("external digests must be among the references");
        }
    }

    /** A pushed manifest whose references must all be in its repository. */
    public PushedManifest(Manifest manifest, Set<Digest> references, Optional<Digest> subject,
                          Optional<String> artifactType, Map<String, String> annotations) {
        this(manifest, references, subject, artifactType, annotations, Set.of());
    }

    public Digest digest() {
        return manifest.digest();
    }

    public MediaType mediaType() {
        return manifest.mediaType();
    }

    public byte[] content() {
        return manifest.content();
    }

    /** The references that must be in the repository: all but the {@link #external} ones. */
    public Set<Digest> required() {
        Set<Digest> required = new LinkedHashSet<>(references);
        required.removeAll(external);
        return required;
    }

    /** This manifest as an entry of its subject's referrers list. */
    public Descriptor asReferrer() {
        return new Descriptor(mediaType(), digest(), content().length, artifactType, annotations);
    }
}
