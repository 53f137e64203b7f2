// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A manifest as core validated it: its exact bytes plus what core read from them, so a backend
 * can index references (for garbage collection) and referrers without parsing JSON.
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
public record Manifest(Digest digest, MediaType mediaType, byte[] content, Set<Digest> references,
                       Optional<Digest> subject, Optional<String> artifactType,
                       Map<String, String> annotations, Set<Digest> external) {
    public Manifest {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(content, "content");
        references = Set.copyOf(references);
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(artifactType, "artifactType");
        annotations = Map.copyOf(annotations);
        external = Set.copyOf(external);
        if (!references.containsAll(external)) {
            throw new IllegalArgumentException("external digests must be among the references");
        }
    }

    /** A manifest whose references must all be in its repository. */
    public Manifest(Digest digest, MediaType mediaType, byte[] content, Set<Digest> references,
                    Optional<Digest> subject, Optional<String> artifactType, Map<String, String> annotations) {
        this(digest, mediaType, content, references, subject, artifactType, annotations, Set.of());
    }

    /** The references that must be in the repository: all but the {@link #external} ones. */
    public Set<Digest> required() {
        Set<Digest> required = new java.util.LinkedHashSet<>(references);
        required.removeAll(external);
        return required;
    }

    /** A manifest read back from storage, where only bytes and type matter. */
    public static Manifest stored(Digest digest, MediaType mediaType, byte[] content) {
        return new Manifest(digest, mediaType, content, Set.of(), Optional.empty(), Optional.empty(), Map.of(), Set.of());
    }

    /** This manifest as an entry of its subject's referrers list. */
    public Descriptor asReferrer() {
        return new Descriptor(mediaType, digest, content.length, artifactType, annotations);
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
