// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Reference;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;

/** Parses names from requests, turning bad input into the spec's 400 errors. */
final class Names {
    private Names() {
    }

    static Repository repository(String raw) {
        try {
            return Repository.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.NAME_INVALID, e.getMessage());
        }
    }

    static Digest digest(String raw) {
        try {
            return Digest.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, e.getMessage());
        }
    }

    static Tag tag(String raw) {
        try {
            return Tag.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, e.getMessage());
        }
    }

    static Reference reference(String raw) {
        return Digest.looksLikeDigest(raw) ? digest(raw) : tag(raw);
    }
}
