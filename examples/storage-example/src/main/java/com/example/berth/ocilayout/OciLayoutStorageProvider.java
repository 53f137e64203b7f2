// SPDX-License-Identifier: Apache-2.0
package com.example.berth.ocilayout;

import com.google.auto.service.AutoService;
import dev.berth.registry.spi.DeclaredSettings;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code oci-layout}: every repository is an OCI image layout directory under {@code root}, so
 * what is pushed can be read by any tool that reads layouts ({@code skopeo copy oci:ROOT/NAME:TAG …}).
 */
@AutoService(StorageProvider.class)
public final class OciLayoutStorageProvider implements StorageProvider, DeclaredSettings {
    @Override
    public String name() {
        return "oci-layout";
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("root", "the directory whose subdirectories are the repositories' layouts (required)");
    }

    @Override
    public Storage open(StorageConfig config) throws IOException {
        Path root = config.get("root").map(Path::of).orElseThrow(() ->
                new IllegalArgumentException("oci-layout needs -s root=DIR"));
        OciLayoutBlobs blobs = new OciLayoutBlobs(root); // get, and the stat, put, delete and mount capabilities
        return Storage.of(blobs, new OciLayoutManifests(blobs), new OciLayoutUploads(blobs), () -> { });
    }
}
