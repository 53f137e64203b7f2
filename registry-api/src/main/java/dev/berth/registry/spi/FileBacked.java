// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import java.nio.channels.FileChannel;

/**
 * Capability of a stream returned by {@link BlobHandler#get}: its bytes are exactly those of a
 * file, from position 0 to the channel's size. A host that can send a file without copying it
 * through the heap uses the channel instead of reading the stream (and closes the stream after).
 */
public interface FileBacked {
    FileChannel channel();
}
