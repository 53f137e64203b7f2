// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

/**
 * Sees every call the registry makes to its storage (give it to
 * {@link Registry.Builder#observeStorage}): the operation as {@code Interface.method}
 * ({@code BlobHandler.get}, {@code ManifestHandler.put}, {@code Upload.append},
 * {@code CollectionHandler.sweep}, …), how long the call took and how it ended. Called on the
 * request thread right after each call returns or throws: it must not block.
 */
@FunctionalInterface
public interface StorageObserver {
    void completed(String operation, long nanos, Outcome outcome);

    /** How a storage call ended. */
    enum Outcome {
        /** It returned. */
        OK,
        /** It threw {@code NotFoundException}. */
        NOT_FOUND,
        /** It threw a signal the protocol answers: a digest or size mismatch, or a redirect. */
        SIGNAL,
        /** It threw anything else. */
        ERROR
    }
}
