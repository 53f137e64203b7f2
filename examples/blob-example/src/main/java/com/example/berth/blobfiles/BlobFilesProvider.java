// SPDX-License-Identifier: Apache-2.0
package com.example.berth.blobfiles;

import com.google.auto.service.AutoService;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.BlobHandlerProvider;
import dev.berth.registry.spi.DeclaredSettings;
import dev.berth.registry.spi.StorageConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code blob-files}: blobs as plain files under {@code root}, the rest in the server's store
 * ({@code --blobs blob-files --blobs-opt root=DIR}). With {@code read-only=true} it is a blob
 * source with one method, {@code get}: pulls are served, pushes of new blobs refused.
 */
@AutoService(BlobHandlerProvider.class)
public final class BlobFilesProvider implements BlobHandlerProvider, DeclaredSettings {
    @Override
    public String name() {
        return "blob-files";
    }

    @Override
    public Map<String, String> settings() {
        return DeclaredSettings.of(
                "root", "the directory the blobs are files under (required)",
                "read-only", "serve what is there and take no pushes (false)");
    }

    @Override
    public BlobHandler open(StorageConfig config) throws IOException {
        Path root = config.get("root").map(Path::of).orElseThrow(() ->
                new IllegalArgumentException("blob-files needs --blobs-opt root=DIR"));
        BlobFiles files = new BlobFiles(root);
        if (config.flag("read-only", false)) {
            return files::get; // get alone: no capability to put, delete or mount
        }
        return files;
    }
}
