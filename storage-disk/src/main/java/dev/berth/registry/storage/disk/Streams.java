// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

final class Streams {
    private Streams() {
    }

    /** Copies to end-of-stream through one 256 KiB buffer; returns the byte count. */
    static long copy(InputStream in, FileChannel out) throws IOException {
        byte[] buffer = new byte[256 * 1024];
        ByteBuffer wrapped = ByteBuffer.wrap(buffer);
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            wrapped.clear().limit(n);
            while (wrapped.hasRemaining()) {
                out.write(wrapped);
            }
            total += n;
        }
        return total;
    }
}
