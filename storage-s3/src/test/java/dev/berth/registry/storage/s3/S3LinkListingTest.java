// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.PushedManifest;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.gc.CollectionHandler.Item;
import dev.berth.registry.spi.gc.CollectionHandler.StoredManifest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A collection pass or a quota measurement lists a repository's blob links and manifest records:
 * unchanged records are not read again, so a pass over a quiet bucket costs its listings, not a
 * GET per record.
 */
class S3LinkListingTest {
    @Test
    @DisplayName("a second listing of 50 unchanged links reads none of them; a changed one is read again")
    void unchangedLinksAreNotReadAgain() throws Exception {
        S3TestServer s3 = S3TestServer.shared();
        Repository repo = new Repository("listing/app");
        try (S3Storage storage = new S3StorageProvider().open(StorageConfig.of(s3.settings("listing-" + UUID.randomUUID())),
                Clock.systemUTC())) {
            for (int i = 0; i < 50; i++) {
                byte[] blob = ("blob " + i).getBytes(StandardCharsets.UTF_8);
                storage.blobs().put(repo, Digest.sha256(blob), new ByteArrayInputStream(blob));
            }
            long before = s3.linkReads();
            List<Item> first = storage.collection().blobs(repo);
            long firstReads = s3.linkReads() - before;
            assertEquals(50, first.size());
            assertTrue(firstReads >= 50, "the first listing reads each record: " + firstReads);

            before = s3.linkReads();
            List<Item> second = storage.collection().blobs(repo);
            assertEquals(0, s3.linkReads() - before, "nothing changed: no record is read again");
            assertEquals(first, second, "and the listing gives the same items");

            byte[] again = "blob 7".getBytes(StandardCharsets.UTF_8);
            Digest changed = Digest.sha256(again);
            Item old = first.stream().filter(i -> i.digest().equals(changed)).findFirst().orElseThrow();
            storage.collection().claim(repo, old).orElseThrow(); // a new version of that link
            before = s3.linkReads();
            List<Item> third = storage.collection().blobs(repo);
            assertTrue(s3.linkReads() - before <= 2, "only the changed link is read: " + (s3.linkReads() - before));
            assertTrue(third.stream().anyMatch(i -> i.digest().equals(changed) && i.version() != old.version()),
                    "the changed link is listed in its new version");
        }
    }

    @Test
    @DisplayName("a pass reads each of 30 manifest records once; the next pass reads none; a changed one is read again")
    void unchangedManifestRecordsAreNotReadAgain() throws Exception {
        S3TestServer s3 = S3TestServer.shared();
        Repository repo = new Repository("listing/manifests");
        try (S3Storage storage = new S3StorageProvider().open(StorageConfig.of(s3.settings("manifests-" + UUID.randomUUID())),
                Clock.systemUTC())) {
            for (int i = 0; i < 30; i++) {
                byte[] content = ("{\"schemaVersion\":2,\"x\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                Digest external = Digest.sha256(("layer " + i).getBytes(StandardCharsets.UTF_8)); // excused: never pushed
                storage.manifests().put(repo, new PushedManifest(new Manifest(Digest.sha256(content), MediaType.OCI_MANIFEST,
                        content), Set.of(external), Optional.empty(), Optional.empty(), Map.of(), Set.of(external)), Set.of());
            }
            long before = s3.manifestReads();
            List<StoredManifest> first = storage.collection().manifests(repo);
            Set<Digest> references = storage.collection().references(repo);
            assertEquals(30, first.size());
            assertEquals(30, references.size());
            assertEquals(30, s3.manifestReads() - before, "one pass reads each record once, for both its lists");

            before = s3.manifestReads();
            assertEquals(first, storage.collection().manifests(repo));
            assertEquals(references, storage.collection().references(repo));
            assertEquals(0, s3.manifestReads() - before, "nothing changed: no record is read again");

            Item claimed = storage.collection().claim(repo, first.get(3).item()).orElseThrow();
            before = s3.manifestReads();
            List<StoredManifest> third = storage.collection().manifests(repo);
            assertTrue(s3.manifestReads() - before <= 2, "only the changed record is read: " + (s3.manifestReads() - before));
            assertTrue(third.stream().anyMatch(m -> m.item().equals(claimed)), "the changed record is listed as claimed");
        }
    }
}
