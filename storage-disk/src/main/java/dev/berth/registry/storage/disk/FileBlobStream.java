// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.spi.FileBacked;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** A verified blob file as a stream, offering its channel to hosts that send files directly. */
final class FileBlobStream extends InputStream implements FileBacked {
    private final FileChannel channel;

    FileBlobStream(FileChannel channel) {
        this.channel = channel;
    }

    @Override
    public FileChannel channel() {
        return channel;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return channel.read(ByteBuffer.wrap(b, off, len));
    }

    @Override
    public long skip(long n) throws IOException {
        long target = Math.min(channel.size(), channel.position() + Math.max(0, n));
        long skipped = target - channel.position();
        channel.position(target);
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(Integer.MAX_VALUE, channel.size() - channel.position());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
