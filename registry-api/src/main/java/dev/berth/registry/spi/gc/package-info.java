// SPDX-License-Identifier: Apache-2.0
/**
 * Online garbage collection's contract with a backend: {@link dev.berth.registry.spi.gc.CollectableStorage}
 * (the capability) and {@link dev.berth.registry.spi.gc.CollectionHandler} (the item lifecycle and
 * the clauses gc-blobs, gc-manifests, gc-claim, gc-release, gc-sweep, gc-unlinked, and the two
 * the backend's other handlers keep: gc-rescue and gc-superset).
 */
package dev.berth.registry.spi.gc;
