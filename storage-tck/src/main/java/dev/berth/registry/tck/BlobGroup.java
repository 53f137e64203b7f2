// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.VerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/** What the groups of blob checks share: two repositories and a verified put. */
abstract class BlobGroup extends Contracts {
    static final Repository A = repo("tck/a");
    static final Repository B = repo("tck/b");

    BlobHandler blobs() {
        return servedBlobs();
    }

    BlobPutHandler putter() {
        return require(blobs(), BlobPutHandler.class);
    }

    Digest put(Repository repo, byte[] content) throws IOException {
        Digest digest = Digest.sha256(content);
        putter().put(repo, digest, new VerifyingInputStream(new ByteArrayInputStream(content), digest, content.length));
        return digest;
    }

    static byte[] read(BlobHandler blobs, Repository repo, Digest digest) throws IOException {
        try (InputStream in = blobs.get(repo, digest)) {
            return in.readAllBytes();
        }
    }
}
