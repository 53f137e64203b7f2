// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.gc.CollectableStorage;
import dev.berth.registry.spi.gc.CollectionHandler;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.UploadHandler;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** The opened S3 backend: every handler works on the bucket alone, so any number of nodes can share it. */
final class S3Storage implements CollectableStorage {
    private final Bucket bucket;
    private final S3BlobHandler blobs;
    private final S3ManifestHandler manifests;
    private final S3UploadHandler uploads;
    private final S3Collection collection;

    /** @param clock what record ages are measured against (tests move it to age leftovers) */
    S3Storage(Bucket bucket, int partSize, Optional<Duration> redirectTtl, Clock clock) {
        this.bucket = bucket;
        Links links = new Links(bucket, clock);
        this.uploads = new S3UploadHandler(links, partSize);
        this.blobs = new S3BlobHandler(links, uploads, redirectTtl);
        this.manifests = new S3ManifestHandler(links);
        this.collection = new S3Collection(links, manifests);
    }

    /** The bucket this storage works on (for tests that plant what a crash leaves). */
    Bucket bucket() {
        return bucket;
    }

    @Override
    public BlobHandler blobs() {
        return blobs;
    }

    @Override
    public ManifestHandler manifests() {
        return manifests;
    }

    @Override
    public UploadHandler uploads() {
        return uploads;
    }

    @Override
    public CollectionHandler collection() {
        return collection;
    }

    @Override
    public void close() throws IOException {
        uploads.close();
        bucket.close();
    }
}
