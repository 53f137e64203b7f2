// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.spi.gc.CollectableStorage;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobLocateHandler;
import dev.berth.registry.spi.BlobPutHandler;
import dev.berth.registry.spi.gc.CollectionHandler;
import dev.berth.registry.spi.gc.CollectionHandler.Item;
import dev.berth.registry.spi.gc.CollectionHandler.State;
import dev.berth.registry.spi.VerifyingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPI contracts of CollectionHandler's compare-and-swap lifecycle, checked directly rather than through a pass. */
abstract class CollectionContracts extends Contracts {
    private static final Repository A = repo("tck/claims");

    private CollectionHandler collection() {
        return require(storage(), CollectableStorage.class).collection();
    }

    private Item listed(CollectionHandler gc, Digest digest) throws IOException {
        return gc.blobs(A).stream().filter(i -> i.digest().equals(digest)).findFirst()
                .orElseThrow(() -> new AssertionError("gc-blobs (CollectionHandler.blobs): a blob put into " + A
                        + " must be listed"));
    }

    private Digest put(byte[] content) throws IOException {
        Digest digest = Digest.sha256(content);
        require(storage().blobs(), BlobPutHandler.class).put(A, digest,
                new VerifyingInputStream(new ByteArrayInputStream(content), digest, content.length));
        return digest;
    }

    /** Claims the blob as listed; an unchanged LIVE item must be claimable. */
    private Item claimListed(CollectionHandler gc, Digest digest) throws IOException {
        return gc.claim(A, listed(gc, digest)).orElseThrow(() -> new AssertionError(
                "gc-claim (CollectionHandler.claim): an unchanged LIVE item must be claimable"));
    }

    @Test
    @DisplayName("gc-claim: claiming a COLLECTING item left by a collector that died takes it over")
    void claimTakeover() throws IOException {
        CollectionHandler gc = collection();
        Digest digest = put(Content.random(31, 5000));
        Item abandoned = claimListed(gc, digest);
        Item seen = listed(gc, digest);
        assertEquals(State.COLLECTING, seen.state(), "gc-claim (CollectionHandler.blobs): a claimed item is listed"
                + " as COLLECTING");
        Optional<Item> takenOver = gc.claim(A, seen);
        assertTrue(takenOver.isPresent(), "gc-claim (CollectionHandler.claim): claiming a COLLECTING item (its"
                + " collector died) must take it over, or a crashed collector's claims would pin content forever");
        OptionalLong stale = gc.sweep(A, abandoned);
        assertTrue(stale.isEmpty(), "gc-sweep (CollectionHandler.sweep): the claim that was taken over must no"
                + " longer sweep");
        assertTrue(gc.sweep(A, takenOver.get()).isPresent(), "gc-sweep (CollectionHandler.sweep): the new claim"
                + " sweeps the item");
    }

    @Test
    @DisplayName("locate-2: a swept blob link is no longer listed as a holder")
    void sweptLinkIsNotLocated() throws IOException {
        CollectionHandler gc = collection();
        BlobLocateHandler locator = require(storage().blobs(), BlobLocateHandler.class);
        Digest digest = put(Content.random(32, 700));
        Item claimed = claimListed(gc, digest);
        assertTrue(gc.sweep(A, claimed).isPresent(), "gc-sweep (CollectionHandler.sweep): an unused claim sweeps");
        assertEquals(List.of(), locator.locate(digest, 10),
                "locate-2: after a sweep of its only link, nothing is listed as holding the blob");
    }
}
