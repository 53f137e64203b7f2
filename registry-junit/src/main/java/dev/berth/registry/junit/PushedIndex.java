// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import dev.berth.registry.api.Digest;
import java.util.List;

/** What {@link Fixtures#index} pushed: the index and its images, in the order of its platforms. */
public record PushedIndex(String repository, Digest digest, byte[] manifest, List<PushedImage> images) {
}
