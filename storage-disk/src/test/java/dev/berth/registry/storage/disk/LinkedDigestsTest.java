// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LinkedDigestsTest {
    private static Digest digest(String content) {
        return Digest.sha256(content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("100,000 added digests are all found through every growth, 100,000 others are not")
    void addedAreFoundOthersAreNot() {
        LinkedDigests linked = new LinkedDigests();
        for (int i = 0; i < 100_000; i++) {
            linked.add(digest("linked " + i));
            linked.add(digest("linked " + i)); // twice: still one entry
        }
        for (int i = 0; i < 100_000; i++) {
            assertTrue(linked.mayContain(digest("linked " + i)), "linked " + i);
            assertFalse(linked.mayContain(digest("unlinked " + i)), "unlinked " + i);
        }
    }

    @Test
    @DisplayName("a digest whose first 64 bits are zero is kept apart from the free slots")
    void zeroKey() {
        Digest zero = Digest.parse("sha256:0000000000000000" + "1".repeat(48));
        LinkedDigests linked = new LinkedDigests();
        assertFalse(linked.mayContain(zero));
        linked.add(zero);
        assertTrue(linked.mayContain(zero));
        assertFalse(linked.mayContain(digest("other")));
    }

    @Test
    @DisplayName("sharing the first 64 bits errs towards linked: content is kept, never lost")
    void sharedPrefixCountsAsLinked() {
        LinkedDigests linked = new LinkedDigests();
        linked.add(Digest.parse("sha256:0123456789abcdef" + "a".repeat(48)));
        assertTrue(linked.mayContain(Digest.parse("sha256:0123456789abcdef" + "b".repeat(48))));
        assertFalse(linked.mayContain(Digest.parse("sha256:0123456789abcdee" + "a".repeat(48))));
    }
}
