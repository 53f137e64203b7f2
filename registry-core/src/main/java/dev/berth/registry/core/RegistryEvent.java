// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Something a client did that others may want to hear about (webhooks, audit), reported after
 * the response status is decided; see {@code Registry.builder().events(...)}.
 *
 * @param tags      the tags a push set, or the tag a pull or delete named; empty by digest
 * @param mediaType the manifest's media type; empty for blobs and tag deletes
 * @param user      the caller, {@code anonymous} without access control
 */
public record RegistryEvent(Type type, Repository repository, Digest digest, List<String> tags, String mediaType,
                            long size, String user, String requestId, Instant time) {
    public enum Type {
        MANIFEST_PUSHED, MANIFEST_PULLED, MANIFEST_DELETED, TAG_DELETED, BLOB_DELETED;

        /** {@code dev.berth.registry.manifest.pushed}: the CloudEvents type. */
        public String cloudEventType() {
            return "dev.berth.registry." + name().toLowerCase(java.util.Locale.ROOT).replace('_', '.');
        }
    }

    public RegistryEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(repository, "repository");
        tags = List.copyOf(tags);
        Objects.requireNonNull(time, "time");
    }
}
