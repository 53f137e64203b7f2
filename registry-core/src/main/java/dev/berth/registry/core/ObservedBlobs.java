// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobDeleteHandler;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.BlobMountHandler;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.BlobStatHandler;
import java.io.IOException;
import java.io.InputStream;

/**
 * A blob handler and each capability it has, observed one interface at a time: core looks the
 * capabilities up once ({@link StorageView}), so no wrapper has to offer a combination of them.
 */
final class ObservedBlobs {
    private ObservedBlobs() {
    }

    static InputStream get(BlobHandler target, ObservedCalls calls, Repository repo, Digest digest)
            throws IOException {
        return calls.time("BlobHandler.get", () -> target.get(repo, digest));
    }

    record Get(BlobHandler target, ObservedCalls calls) implements BlobHandler {
        @Override
        public InputStream get(Repository repo, Digest digest) throws IOException {
            return ObservedBlobs.get(target, calls, repo, digest);
        }
    }

    record Stat(BlobStatHandler target, ObservedCalls calls) implements BlobStatHandler {
        @Override
        public InputStream get(Repository repo, Digest digest) throws IOException {
            return ObservedBlobs.get(target, calls, repo, digest);
        }

        @Override
        public long stat(Repository repo, Digest digest) throws IOException {
            return calls.time("BlobStatHandler.stat", () -> target.stat(repo, digest));
        }
    }

    record Put(BlobPutHandler target, ObservedCalls calls) implements BlobPutHandler {
        @Override
        public InputStream get(Repository repo, Digest digest) throws IOException {
            return ObservedBlobs.get(target, calls, repo, digest);
        }

        @Override
        public void put(Repository repo, Digest digest, InputStream content) throws IOException {
            calls.run("BlobPutHandler.put", () -> target.put(repo, digest, content));
        }
    }

    record Delete(BlobDeleteHandler target, ObservedCalls calls) implements BlobDeleteHandler {
        @Override
        public InputStream get(Repository repo, Digest digest) throws IOException {
            return ObservedBlobs.get(target, calls, repo, digest);
        }

        @Override
        public void delete(Repository repo, Digest digest) throws IOException {
            calls.run("BlobDeleteHandler.delete", () -> target.delete(repo, digest));
        }
    }

    record Mount(BlobMountHandler target, ObservedCalls calls) implements BlobMountHandler {
        @Override
        public InputStream get(Repository repo, Digest digest) throws IOException {
            return ObservedBlobs.get(target, calls, repo, digest);
        }

        @Override
        public void mount(Repository from, Repository to, Digest digest) throws IOException {
            calls.run("BlobMountHandler.mount", () -> target.mount(from, to, digest));
        }
    }
}
