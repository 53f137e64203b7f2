// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.MirrorStateHandler;
import dev.berth.registry.spi.MirrorStateStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPI contracts of MirrorStateHandler: the pull-through cache's checks and fetch leases. */
abstract class MirrorStateContracts extends Contracts {
    private static final Repository A = repo("tck/mirror");
    private static final Tag V1 = new Tag("v1");
    private static final Instant EARLIER = Instant.parse("2026-11-01T10:00:00.123Z");
    private static final Instant LATER = Instant.parse("2026-11-02T10:00:00.456Z");
    private static final Digest BLOB = Digest.sha256("leased".getBytes(StandardCharsets.UTF_8));

    MirrorStateHandler state() {
        return require(storage(), MirrorStateStorage.class).mirrorState();
    }

    @Test
    @DisplayName("mirror-check-1, mirror-check-3: the latest recorded check comes back, to the millisecond")
    void latestCheckWins() throws IOException {
        assertEquals(Optional.empty(), state().lastCheck(A, V1), "mirror-check-3: nothing recorded is empty");
        state().recordCheck(A, V1, LATER);
        state().recordCheck(A, V1, EARLIER);
        assertEquals(Optional.of(LATER), state().lastCheck(A, V1),
                "mirror-check-1: an earlier check recorded after a later one must not lower it");
    }

    @Test
    @DisplayName("mirror-check-2: checks are per repository and tag")
    void checksPerRepositoryAndTag() throws IOException {
        state().recordCheck(A, V1, LATER);
        assertEquals(Optional.empty(), state().lastCheck(repo("tck/mirror-other"), V1));
        assertEquals(Optional.empty(), state().lastCheck(A, new Tag("v2")));
    }

    @Test
    @DisplayName("mirror-lease-1: a free or expired lease is taken, a held one is not, its holder extends it")
    void leases() throws IOException {
        Instant now = Instant.now();
        Instant until = now.plus(Duration.ofMinutes(1));
        assertTrue(state().lease(A, BLOB, "node-a", now, until), "a free lease is taken");
        assertFalse(state().lease(A, BLOB, "node-b", now, until), "another holder's lease is not");
        assertTrue(state().lease(A, BLOB, "node-a", now, until.plusSeconds(60)), "its holder extends it");
        assertFalse(state().lease(A, BLOB, "node-b", until.plusSeconds(30), until.plusSeconds(90)),
                "still held: extended to 2 minutes");
        assertTrue(state().lease(A, BLOB, "node-b", until.plusSeconds(60), until.plusSeconds(120)),
                "expired by now: taken over");
        assertTrue(state().lease(repo("tck/mirror-other"), BLOB, "node-c", now, until), "per repository");
    }

    @Test
    @DisplayName("mirror-lease-3: only the holder's release frees a lease")
    void release() throws IOException {
        Instant now = Instant.now();
        Instant until = now.plus(Duration.ofMinutes(1));
        state().release(A, BLOB, "node-a"); // nothing held: nothing happens
        assertTrue(state().lease(A, BLOB, "node-a", now, until));
        state().release(A, BLOB, "node-b");
        assertFalse(state().lease(A, BLOB, "node-b", now, until), "another's release leaves the lease");
        state().release(A, BLOB, "node-a");
        assertTrue(state().lease(A, BLOB, "node-b", now, until), "the holder's release frees it");
    }

    @Test
    @DisplayName("mirror-lease-2: of 8 holders taking one lease at once, exactly one gets it")
    void oneOfConcurrentHolders() throws Exception {
        MirrorStateHandler state = state(); // skipped here, not in the threads, without the capability
        Instant now = Instant.now();
        Instant until = now.plus(Duration.ofMinutes(1));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Boolean>> takes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String holder = "node-" + i;
                takes.add(pool.submit(() -> {
                    start.await();
                    return state.lease(A, BLOB, holder, now, until);
                }));
            }
            start.countDown();
            int taken = 0;
            for (Future<Boolean> take : takes) {
                taken += take.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, taken, "mirror-lease-2");
        } finally {
            pool.shutdownNow();
        }
    }
}
