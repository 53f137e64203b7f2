// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.spi.MirrorStateStorage;
import dev.berth.registry.spi.gc.CollectableStorage;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The opened S3 backend: every handler works on the bucket alone, so any number of nodes can share
 * it, the pull-through cache's state included.
 *
 * @param bucket the bucket this storage works on (tests plant in it what a crash leaves)
 */
record S3Storage(Bucket bucket, S3BlobHandler blobs, S3ManifestHandler manifests, S3UploadHandler uploads,
                 S3Collection collection, S3MirrorState mirrorState) implements CollectableStorage, MirrorStateStorage {

    /** @param clock what record ages are measured against (tests move it to age leftovers) */
    static S3Storage open(Bucket bucket, int partSize, Optional<Duration> redirectTtl, Clock clock) {
        Links links = new Links(bucket, clock);
        S3UploadHandler uploads = new S3UploadHandler(links, partSize);
        S3ManifestHandler manifests = new S3ManifestHandler(links);
        return new S3Storage(bucket, new S3BlobHandler(links, uploads, redirectTtl), manifests, uploads,
                new S3Collection(links, manifests), new S3MirrorState(bucket));
    }

    @Override
    public void close() throws IOException {
        uploads.close();
        bucket.close();
    }
}
