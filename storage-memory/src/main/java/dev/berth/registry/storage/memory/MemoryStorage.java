// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.memory;

import dev.berth.registry.spi.MirrorStateStorage;
import dev.berth.registry.spi.gc.CollectableStorage;

/** The opened memory backend: collectable, and sharing mirror state with every registry that opened it. */
record MemoryStorage(MemoryBlobHandler blobs, MemoryManifestHandler manifests, MemoryUploadHandler uploads,
                     MemoryCollection collection, MemoryMirrorState mirrorState)
        implements CollectableStorage, MirrorStateStorage {
}
