// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.PushedManifest;
import dev.berth.registry.spi.TagClaimHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPI contracts of TagClaimHandler: a tag created once, atomically (immutable tags). */
abstract class TagClaimContracts extends Contracts {
    private static final Repository A = repo("tck/claims");
    private static final Tag RELEASE = new Tag("v1.0.0");

    TagClaimHandler claims() {
        return require(storage().manifests(), TagClaimHandler.class);
    }

    private PushedManifest stored(String unique) throws IOException {
        PushedManifest m = ManifestContracts.manifest(unique);
        claims().put(A, m, Set.of());
        return m;
    }

    @Test
    @DisplayName("tag-claim-1: a claim of an absent tag points it at the manifest")
    void claimAbsent() throws IOException {
        PushedManifest m = stored("claimed");
        assertEquals(m.digest(), claims().claim(A, RELEASE, m.digest()),
                "tag-claim-1: a claim of a tag that points nowhere must return the digest it claimed for");
        assertEquals(m.digest(), claims().resolve(A, RELEASE), "tag-claim-1: the claimed tag must resolve to it");
        assertEquals(List.of(RELEASE), claims().tags(A, java.util.Optional.empty(), 10).items(),
                "tag-claim-1: a claimed tag is listed like any tag");
    }

    @Test
    @DisplayName("tag-claim-2: a claim of a taken tag changes nothing and returns its digest")
    void claimTaken() throws IOException {
        PushedManifest first = stored("first");
        PushedManifest second = stored("second");
        claims().claim(A, RELEASE, first.digest());
        assertEquals(first.digest(), claims().claim(A, RELEASE, second.digest()),
                "tag-claim-2: a claim of a taken tag must return what the tag points at");
        assertEquals(first.digest(), claims().resolve(A, RELEASE), "tag-claim-2: a lost claim must not move the tag");
        assertEquals(first.digest(), claims().claim(A, RELEASE, first.digest()),
                "tag-claim-2: claiming again for the same manifest (a client retrying) returns that manifest");
        claims().put(A, second, Set.of(new Tag("moved")));
        claims().claim(A, new Tag("moved"), first.digest());
        assertEquals(second.digest(), claims().resolve(A, new Tag("moved")),
                "tag-claim-2: a tag set by put counts as taken");
    }

    @Test
    @DisplayName("tag-claim-1: a tag removed by untag or by deleting its manifest can be claimed again")
    void claimAfterRemoval() throws IOException {
        PushedManifest first = stored("removed");
        PushedManifest second = stored("after");
        claims().claim(A, RELEASE, first.digest());
        claims().untag(A, RELEASE);
        assertEquals(second.digest(), claims().claim(A, RELEASE, second.digest()),
                "tag-claim-1: an untagged tag points nowhere: the claim must take it");
        claims().delete(A, second.digest());
        PushedManifest third = stored("third");
        assertEquals(third.digest(), claims().claim(A, RELEASE, third.digest()),
                "tag-claim-1: a tag removed with its manifest (manifest-delete-1) points nowhere: the claim must take it");
        assertEquals(third.digest(), claims().resolve(A, RELEASE), "tag-claim-1: the new claim must resolve");
    }

    @Test
    @DisplayName("tag-claim-3: of 16 concurrent claims of one tag exactly one wins, and all return it")
    void racingClaims() throws Exception {
        List<PushedManifest> manifests = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            manifests.add(stored("racer-" + i));
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(manifests.size());
        try {
            List<Future<Digest>> results = new ArrayList<>();
            for (PushedManifest m : manifests) {
                results.add(pool.submit(() -> {
                    start.await();
                    return claims().claim(A, RELEASE, m.digest());
                }));
            }
            start.countDown();
            Set<Digest> returned = new java.util.HashSet<>();
            for (Future<Digest> result : results) {
                returned.add(result.get(60, TimeUnit.SECONDS));
            }
            assertEquals(1, returned.size(), "tag-claim-3: every racing claim must return the one winner's digest,"
                    + " but the claims returned " + returned);
            assertEquals(returned.iterator().next(), claims().resolve(A, RELEASE),
                    "tag-claim-3: the tag must point at the digest the claims returned");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("tag-claim-5: a conditional untag removes a tag only while it names the expected manifest")
    void conditionalUntag() throws IOException {
        PushedManifest judged = stored("judged");
        PushedManifest pushedSince = stored("pushed-since");
        claims().put(A, judged, Set.of(new Tag("old"), new Tag("moved")));
        assertEquals(true, claims().untag(A, new Tag("old"), judged.digest()),
                "tag-claim-5: a tag naming the expected manifest must be removed, and the call say so");
        assertThrows(NotFoundException.class, () -> claims().resolve(A, new Tag("old")), "tag-claim-5: removed");
        claims().put(A, pushedSince, Set.of(new Tag("moved")));
        assertEquals(false, claims().untag(A, new Tag("moved"), judged.digest()),
                "tag-claim-5: a tag moved to another manifest since it was judged must be left (false)");
        assertEquals(pushedSince.digest(), claims().resolve(A, new Tag("moved")), "tag-claim-5: the moved tag stays");
        assertEquals(false, claims().untag(A, new Tag("absent"), judged.digest()), "tag-claim-5: an absent tag: false");
        assertEquals(judged.digest(), claims().get(A, judged.digest()).digest(), "tag-claim-5: the manifest stays");
    }

    @Test
    @DisplayName("tag-claim-4: a claim for a manifest the repository does not hold throws and tags nothing")
    void claimUnknown() throws IOException {
        PushedManifest elsewhere = ManifestContracts.manifest("elsewhere");
        claims().put(repo("tck/other"), elsewhere, Set.of());
        stored("something"); // the repository exists
        assertThrows(NotFoundException.class, () -> claims().claim(A, RELEASE, elsewhere.digest()),
                "tag-claim-4: a manifest of another repository must not be claimable here");
        assertThrows(NotFoundException.class, () -> claims().resolve(A, RELEASE),
                "tag-claim-4: a refused claim must leave the tag pointing nowhere");
    }
}
