// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.memory;

import dev.berth.registry.api.Digest;
import dev.berth.registry.spi.gc.CollectionHandler.Item;
import dev.berth.registry.spi.gc.CollectionHandler.Kind;
import dev.berth.registry.spi.gc.CollectionHandler.State;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** The lifecycle of one blob link or manifest; changed only under its owner's monitor. */
final class Life {
    private static final AtomicLong VERSIONS = new AtomicLong();

    State state = State.LIVE;
    long version = VERSIONS.incrementAndGet();
    Instant lastUsed = Instant.now();

    /** gc-rescue: any use makes the item live again and refreshes it. */
    void use() {
        state = State.LIVE;
        version = VERSIONS.incrementAndGet();
        lastUsed = Instant.now();
    }

    boolean matches(Item seen) {
        return state == seen.state() && version == seen.version();
    }

    void claim() {
        state = State.COLLECTING;
        version = VERSIONS.incrementAndGet();
    }

    void release() {
        state = State.LIVE;
        version = VERSIONS.incrementAndGet();
    }

    Item item(Kind kind, Digest digest, long size) {
        return new Item(kind, digest, state, version, lastUsed, size);
    }
}
