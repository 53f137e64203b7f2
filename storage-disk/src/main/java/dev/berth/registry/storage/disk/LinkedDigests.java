// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Digest;

/**
 * The digests a walk over every link found, kept as the first 64 bits of each in an
 * open-addressed table: 16 to 32 bytes a digest where a {@code HashSet<Digest>} takes about 170,
 * so a registry of a million blobs costs its collection pass 16 MiB of heap, not 170. Two
 * digests sharing those bits make an unlinked one look linked, which only keeps content a pass
 * could have reclaimed (at odds of about n²/2⁶⁵ for n links); it never makes linked content look
 * unlinked.
 */
final class LinkedDigests {
    private long[] slots = new long[1024];
    private int size;
    private boolean hasZero; // 0 marks a free slot, so a digest whose key is 0 is kept apart

    void add(Digest digest) {
        long key = key(digest);
        if (key == 0) {
            hasZero = true;
            return;
        }
        if ((size + 1) * 2 > slots.length) {
            long[] bigger = new long[slots.length * 2];
            for (long k : slots) {
                if (k != 0) {
                    insert(bigger, k);
                }
            }
            slots = bigger;
        }
        if (insert(slots, key)) {
            size++;
        }
    }

    /** Whether {@code digest} was added (or shares its first 64 bits with one that was). */
    boolean mayContain(Digest digest) {
        long key = key(digest);
        if (key == 0) {
            return hasZero;
        }
        int mask = slots.length - 1;
        for (int i = index(key, mask); ; i = (i + 1) & mask) {
            if (slots[i] == key) {
                return true;
            }
            if (slots[i] == 0) {
                return false;
            }
        }
    }

    private static boolean insert(long[] table, long key) {
        int mask = table.length - 1;
        for (int i = index(key, mask); ; i = (i + 1) & mask) {
            if (table[i] == key) {
                return false;
            }
            if (table[i] == 0) {
                table[i] = key;
                return true;
            }
        }
    }

    /** A digest's hex is a hash's output, so its first bits are already evenly spread. */
    private static long key(Digest digest) {
        return Long.parseUnsignedLong(digest.encoded().substring(0, 16), 16);
    }

    private static int index(long key, int mask) {
        return (int) (key ^ (key >>> 32)) & mask;
    }
}
