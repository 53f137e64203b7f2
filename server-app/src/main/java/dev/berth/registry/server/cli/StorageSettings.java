// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.cli;

import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.BlobHandlerProvider;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageProvider;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which backend to open and with what.
 *
 * @param name     a provider's name: disk, memory, s3, or a plugin's
 * @param dataDir  the disk backend's root unless {@code options} name one; also where generated
 *                 TLS certificates go
 * @param plugins  a directory of backend jars to look for providers in
 * @param blobs    a blob handler provider's name: blobs are served and stored through it, the rest in the storage
 */
record StorageSettings(String name, Path dataDir, Map<String, String> options, Optional<Path> plugins,
                       Optional<String> blobs, Map<String, String> blobOptions) {
    StorageSettings {
        options = Map.copyOf(options);
        blobOptions = Map.copyOf(blobOptions);
        if (blobs.isEmpty() && !blobOptions.isEmpty()) {
            throw new IllegalArgumentException("--blobs-opt is a setting of --blobs, which is not given");
        }
    }

    /** The blob handler {@link #blobs} names, opened with its settings, found through {@code loader}. */
    Optional<BlobHandler> openBlobs(ClassLoader loader) throws IOException {
        if (blobs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(BlobHandlerProvider.named(blobs.get(), loader).open(blobOptions));
    }

    /** Where providers are found: the plugins' jars, if any, over the server's own class path. */
    ClassLoader loader() throws IOException {
        return plugins.isEmpty() ? StorageSettings.class.getClassLoader() : pluginLoader(plugins.get());
    }

    Storage open() throws IOException {
        return open(loader());
    }

    Storage open(ClassLoader loader) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>(options);
        if (name.equals("disk")) {
            settings.putIfAbsent("root", dataDir.toString());
        }
        return StorageProvider.named(name, loader).open(settings);
    }

    /** Where the data lives, as the start-up line shows it: the disk backend's root, else nothing. */
    String where() {
        String blobsFrom = blobs.map(b -> ", blobs: " + b).orElse("");
        return (name.equals("disk")
                ? " at " + Path.of(options.getOrDefault("root", dataDir.toString())).toAbsolutePath().normalize() : "")
                + blobsFrom;
    }

    private static ClassLoader pluginLoader(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--plugins " + dir + " is not a directory");
        }
        List<URL> jars = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path jar : files) {
                try {
                    jars.add(jar.toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IOException(e);
                }
            }
        }
        return new URLClassLoader("berth-plugins", jars.toArray(URL[]::new), StorageSettings.class.getClassLoader());
    }
}
