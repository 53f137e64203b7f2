// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Digest;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped in-process locks by digest, held only for the few file operations that link content
 * into a repository or remove the last link and the content: a delete never removes content
 * that a concurrent push is linking.
 */
final class DigestLocks {
    private final ReentrantLock[] stripes = new ReentrantLock[512];

    DigestLocks() {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    ReentrantLock of(Digest digest) {
        return stripes[Math.floorMod(digest.encoded().hashCode(), stripes.length)];
    }
}
