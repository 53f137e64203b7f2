// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import java.nio.charset.StandardCharsets;

/** An uncompressed POSIX (ustar) archive of one regular file: a layer real clients can unpack. */
final class Tar {
    private static final int BLOCK = 512;

    private Tar() {
    }

    static byte[] singleFile(String name, byte[] content) {
        int padded = (content.length + BLOCK - 1) / BLOCK * BLOCK;
        byte[] tar = new byte[BLOCK + padded + 2 * BLOCK]; // header, data, two zero blocks
        put(tar, 0, name, 100);
        put(tar, 100, octal(0644, 7), 8);
        put(tar, 108, octal(0, 7), 8);
        put(tar, 116, octal(0, 7), 8);
        put(tar, 124, octal(content.length, 11), 12);
        put(tar, 136, octal(0, 11), 12);
        tar[156] = '0';
        put(tar, 257, "ustar", 6);
        put(tar, 263, "00", 2);
        for (int i = 148; i < 156; i++) {
            tar[i] = ' '; // the checksum is computed over spaces in its own field
        }
        int sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += tar[i] & 0xff;
        }
        put(tar, 148, octal(sum, 6), 7);
        tar[154] = 0;
        tar[155] = ' ';
        System.arraycopy(content, 0, tar, BLOCK, content.length);
        return tar;
    }

    private static String octal(long value, int digits) {
        String s = Long.toOctalString(value);
        if (s.length() > digits) {
            throw new IllegalArgumentException("too large for a tar header: " + value);
        }
        return "0".repeat(digits - s.length()) + s;
    }

    private static void put(byte[] header, int offset, String value, int length) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length));
    }
}
