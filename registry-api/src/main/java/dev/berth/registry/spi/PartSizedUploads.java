// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

/**
 * Capability of an {@link UploadHandler}: chunks below a size are stored less well (an object
 * store merging small chunks into parts). Core advertises the size to clients as
 * {@code OCI-Chunk-Min-Length} when a session opens; every chunk sequence still has to commit.
 */
public interface PartSizedUploads extends UploadHandler {
    /** The chunk size every chunk but the last should reach; positive. */
    long minimumChunkLength();
}
