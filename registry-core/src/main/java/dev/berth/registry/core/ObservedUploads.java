// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.Upload;
import dev.berth.registry.spi.UploadHandler;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

/** An upload handler, and the sessions it hands out, whose every call the observer sees. */
record ObservedUploads(UploadHandler target, ObservedCalls calls) implements UploadHandler {
    @Override
    public Upload create(Repository repo, String id) throws IOException {
        return new Session(calls.time("UploadHandler.create", () -> target.create(repo, id)), calls);
    }

    @Override
    public Upload open(String id) throws IOException {
        return new Session(calls.time("UploadHandler.open", () -> target.open(id)), calls);
    }

    @Override
    public int expire(Instant cutoff) throws IOException {
        return calls.time("UploadHandler.expire", () -> target.expire(cutoff));
    }

    /** A session; its id and repository are values, not storage calls. */
    record Session(Upload target, ObservedCalls calls) implements Upload {
        @Override
        public String id() {
            return target.id();
        }

        @Override
        public Repository repository() {
            return target.repository();
        }

        @Override
        public long size() throws IOException {
            return calls.time("Upload.size", target::size);
        }

        @Override
        public Instant lastActivity() throws IOException {
            return calls.time("Upload.lastActivity", target::lastActivity);
        }

        @Override
        public long append(InputStream chunk) throws IOException {
            return calls.time("Upload.append", () -> target.append(chunk));
        }

        @Override
        public InputStream read() throws IOException {
            return calls.time("Upload.read", target::read);
        }

        @Override
        public void commit(Digest digest) throws IOException {
            calls.run("Upload.commit", () -> target.commit(digest));
        }

        @Override
        public void cancel() throws IOException {
            calls.run("Upload.cancel", target::cancel);
        }
    }
}
