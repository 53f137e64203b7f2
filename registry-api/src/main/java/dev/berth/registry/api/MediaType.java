// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.api;

import java.util.Objects;
import java.util.Set;

/** A media type without parameters, e.g. {@code application/vnd.oci.image.manifest.v1+json}. */
public record MediaType(String value) {
    public static final MediaType OCI_MANIFEST = new MediaType("application/vnd.oci.image.manifest.v1+json");
    public static final MediaType OCI_INDEX = new MediaType("application/vnd.oci.image.index.v1+json");
    public static final MediaType DOCKER_MANIFEST =
            new MediaType("application/vnd.docker.distribution.manifest.v2+json");
    public static final MediaType DOCKER_MANIFEST_LIST =
            new MediaType("application/vnd.docker.distribution.manifest.list.v2+json");
    public static final MediaType OCTET_STREAM = new MediaType("application/octet-stream");

    private static final Set<MediaType> MANIFESTS = Set.of(OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST);

    public MediaType {
        Objects.requireNonNull(value, "media type");
        if (value.isBlank() || value.length() > 255 || !value.matches("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+")) {
            throw new IllegalArgumentException("invalid media type: " + Digest.printable(value));
        }
    }

    /** Parses a header value, dropping parameters such as {@code ; charset=utf-8}. */
    public static MediaType parse(String headerValue) {
        int semicolon = headerValue.indexOf(';');
        String bare = semicolon >= 0 ? headerValue.substring(0, semicolon) : headerValue;
        return new MediaType(bare.trim());
    }

    /** One of the four manifest types a registry stores. */
    public boolean isManifest() {
        return MANIFESTS.contains(this);
    }

    /** An image index or a Docker manifest list: a manifest of manifests. */
    public boolean isIndex() {
        return equals(OCI_INDEX) || equals(DOCKER_MANIFEST_LIST);
    }

    @Override
    public String toString() {
        return value;
    }
}
