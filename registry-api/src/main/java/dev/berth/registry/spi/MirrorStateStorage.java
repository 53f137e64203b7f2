// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

/**
 * Capability of a {@link Storage}: the pull-through cache's bookkeeping lives in the storage, so
 * every node sharing it shares the cache. Core asks {@code storage instanceof MirrorStateStorage s};
 * without it each node checks tags and fetches blobs on its own (correct, with one upstream
 * request per node instead of one in all).
 */
public interface MirrorStateStorage extends Storage {
    MirrorStateHandler mirrorState();
}
