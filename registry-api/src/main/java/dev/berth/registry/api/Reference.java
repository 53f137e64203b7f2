// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.api;

/** What follows {@code /manifests/} in a URL: a tag or a digest (spec: tag-or-digest). */
public sealed interface Reference permits Tag, Digest {

    /** A digest if {@code s} contains a colon, otherwise a tag; invalid input throws. */
    static Reference parse(String s) {
        return Digest.looksLikeDigest(s) ? Digest.parse(s) : Tag.parse(s);
    }
}
