// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobDeleteHandler;
import dev.berth.registry.spi.BlobLocateHandler;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.BlobStatHandler;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.RedirectException;
import dev.berth.registry.spi.Upload;
import dev.berth.registry.storage.s3.Bucket.Condition;
import dev.berth.registry.storage.s3.Bucket.Stored;
import dev.berth.registry.storage.s3.Records.Link;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Blobs: a link per repository naming content stored once per digest (see {@link Links}). */
final class S3BlobHandler implements BlobStatHandler, BlobPutHandler, BlobDeleteHandler, BlobLocateHandler {
    private final Links links;
    private final S3UploadHandler uploads;
    private final Optional<Duration> redirectTtl;

    S3BlobHandler(Links links, S3UploadHandler uploads, Optional<Duration> redirectTtl) {
        this.links = links;
        this.uploads = uploads;
        this.redirectTtl = redirectTtl;
    }

    @Override
    public InputStream get(Repository repo, Digest digest) throws IOException {
        Links.Readable blob = readable(repo, digest);
        if (redirectTtl.isPresent()) {
            throw new RedirectException(links.bucket().presignGet(blob.dataKey(), redirectTtl.get()), 307);
        }
        return links.bucket().open(blob.dataKey());
    }

    /** Never redirected: a presigned URL is signed for GET, and HEAD needs only the size. */
    @Override
    public long stat(Repository repo, Digest digest) throws IOException {
        return readable(repo, digest).size();
    }

    private Links.Readable readable(Repository repo, Digest digest) throws IOException {
        return links.readable(repo, digest).orElseThrow(() ->
                new NotFoundException("blob " + digest + " is not in " + repo));
    }

    /** Stages the bytes as an upload (verified while read), then commits it like a push. */
    @Override
    public void put(Repository repo, Digest digest, InputStream content) throws IOException {
        Upload upload = uploads.create(repo, "put-" + Long.toUnsignedString(Records.nonce(), 36));
        try {
            upload.append(content);
        } catch (IOException | RuntimeException e) {
            upload.cancel();
            throw e;
        }
        upload.commit(digest);
    }

    @Override
    public void delete(Repository repo, Digest digest) throws IOException {
        String key = Keys.link(repo, digest);
        for (int attempt = 0; attempt < 20; attempt++) {
            Optional<Stored> current = links.bucket().readLive(key);
            if (current.isEmpty() || Records.PENDING.equals(
                    Records.read(current.get().body(), Link.class, key).state())) {
                throw new NotFoundException("blob " + digest + " is not in " + repo);
            }
            if (links.bucket().putIf(key, new byte[0], Condition.matches(current.get().etag())).isPresent()) {
                links.holders().unlinked(repo, digest);
                return;
            }
        }
        throw new IOException("blob link " + key + " keeps changing");
    }

    @Override
    public void mount(Repository from, Repository to, Digest digest) throws IOException {
        Links.Readable source = readable(from, digest);
        links.link(to, digest, source.size(), Optional.empty());
    }

    @Override
    public List<Repository> locate(Digest digest, int limit) throws IOException {
        return links.holders().list(digest, limit);
    }
}
