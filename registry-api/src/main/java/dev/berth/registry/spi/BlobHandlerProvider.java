// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import java.io.IOException;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * A plugin that provides blobs only, found through {@link ServiceLoader} like a
 * {@link StorageProvider} and registered with {@code @AutoService(BlobHandlerProvider.class)}.
 * The server serves and stores blobs through it and keeps everything else (manifests, tags,
 * upload sessions, the collector's state) in a built-in store: {@code --blobs NAME --storage disk}.
 *
 * <p>The minimum is {@link BlobHandler#get}: such a read-only source serves pulls, and pushes of
 * new blobs are refused with {@code 405 UNSUPPORTED} naming the read-only handler. Each capability
 * the handler also implements adds what it says ({@link BlobPutHandler}: pushes, completed from
 * the store's upload sessions; {@link BlobStatHandler}: HEAD without reading;
 * {@link BlobDeleteHandler}, {@link BlobMountHandler}). The online collector reclaims the store's
 * manifests and upload sessions, never the handler's blobs. A handler that is also
 * {@link java.io.Closeable} is closed when the server stops. Settings arrive with
 * {@code --blobs-opt KEY=VALUE} (checked if the provider is {@link DeclaredSettings}).
 */
public interface BlobHandlerProvider {
    /** The short name users select it by. */
    String name();

    /** Opens the blob handler with its settings; bad settings throw {@link IllegalArgumentException}. */
    BlobHandler open(StorageConfig config) throws IOException;

    /**
     * Opens the blob handler with {@code settings}; a provider that is {@link DeclaredSettings}
     * refuses a key it does not declare, naming the closest one it does.
     */
    default BlobHandler open(Map<String, String> settings) throws IOException {
        return open(Providers.checked(this, "blob setting", name(), settings));
    }

    /**
     * The provider called {@code name} visible to {@code loader}; an unknown name, two providers
     * of one name, or a broken one fail with a message listing the names found.
     */
    static BlobHandlerProvider named(String name, ClassLoader loader) {
        return Providers.named(BlobHandlerProvider.class, BlobHandlerProvider::name, "blob handler provider", name,
                loader);
    }
}
