// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.spi.gc.CollectableStorage;
import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.PushedManifest;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.Page;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPI contracts of ManifestHandler: manifests, tags, listings, referrers. */
abstract class ManifestContracts extends Contracts {
    private static final Repository A = repo("tck/a");
    private static final Repository B = repo("tck/b");

    ManifestHandler manifests() {
        return storage().manifests();
    }

    static PushedManifest manifest(String unique) {
        return manifest(unique, Optional.empty(), Optional.empty(), Map.of());
    }

    static PushedManifest manifest(String unique, Optional<Digest> subject, Optional<String> artifactType,
                             Map<String, String> annotations) {
        byte[] content = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"x\":\"" + unique
                + "\"}").getBytes(StandardCharsets.UTF_8);
        Digest external = Digest.sha256(unique.getBytes(StandardCharsets.UTF_8)); // not required: never pushed
        return new PushedManifest(new Manifest(Digest.sha256(content), MediaType.OCI_MANIFEST, content), Set.of(external), subject,
                artifactType, annotations, Set.of(external));
    }

    @Test
    @DisplayName("manifest-put-5: with a CollectionHandler, a manifest whose required reference is missing is refused")
    void requiredReferences() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(storage() instanceof CollectableStorage,
                "manifest-put-5 applies to backends with a CollectionHandler");
        byte[] content = "{\"schemaVersion\":2,\"x\":\"needs\"}".getBytes(StandardCharsets.UTF_8);
        Digest missing = Digest.sha256("never pushed".getBytes(StandardCharsets.UTF_8));
        PushedManifest m = new PushedManifest(new Manifest(Digest.sha256(content), MediaType.OCI_MANIFEST, content), Set.of(missing),
                Optional.empty(), Optional.empty(), Map.of());
        NotFoundException e = assertThrows(NotFoundException.class, () -> manifests().put(A, m, Set.of(new Tag("t"))),
                "manifest-put-5: a put must check required references (a collector may have swept them)");
        assertTrue(e.getMessage().contains(missing.toString()), "manifest-put-5: name the missing digest: " + e);
        assertThrows(NotFoundException.class, () -> manifests().resolve(A, new Tag("t")),
                "manifest-put-5: a refused put tags nothing");
    }

    @Test
    @DisplayName("manifest-get-1: the exact bytes and media type come back")
    void putGet() throws IOException {
        PushedManifest m = manifest("one");
        manifests().put(A, m, Set.of());
        Manifest back = manifests().get(A, m.digest());
        assertArrayEquals(m.content(), back.content(), "manifest-get-1: a manifest must be stored byte for byte");
        assertEquals(MediaType.OCI_MANIFEST, back.mediaType(), "manifest-get-1: the media type must be kept");
    }

    @Test
    @DisplayName("manifest-get-2: unknown digest or other repository throws NotFoundException")
    void unknown() throws IOException {
        PushedManifest m = manifest("two");
        assertThrows(NotFoundException.class, () -> manifests().get(A, m.digest()), "manifest-get-2: never stored");
        manifests().put(A, m, Set.of());
        assertThrows(NotFoundException.class, () -> manifests().get(B, m.digest()),
                "manifest-get-2: a manifest of " + A + " must not be readable through " + B);
    }

    @Test
    @DisplayName("tag-1, manifest-put-1: a tag resolves to the last manifest put with it")
    void tagOverwrite() throws IOException {
        Tag latest = new Tag("latest");
        PushedManifest first = manifest("first");
        PushedManifest second = manifest("second");
        manifests().put(A, first, Set.of(latest));
        assertEquals(first.digest(), manifests().resolve(A, latest), "tag-1: tag must resolve to the manifest put with it");
        manifests().put(A, second, Set.of(latest, new Tag("v2")));
        assertEquals(second.digest(), manifests().resolve(A, latest), "manifest-put-1: putting a tag again must move it");
        assertEquals(second.digest(), manifests().resolve(A, new Tag("v2")), "manifest-put-1: every tag given is set");
        assertArrayEquals(first.content(), manifests().get(A, first.digest()).content(),
                "manifest-put-1: moving a tag must not remove the manifest it pointed at");
        assertThrows(NotFoundException.class, () -> manifests().resolve(B, latest), "tag-2: tags are per repository");
    }

    @Test
    @DisplayName("manifest-delete-1: delete removes the manifest and every tag pointing at it")
    void deleteManifest() throws IOException {
        PushedManifest m = manifest("del");
        PushedManifest other = manifest("keep");
        manifests().put(A, m, Set.of(new Tag("a"), new Tag("b")));
        manifests().put(A, other, Set.of(new Tag("c")));
        manifests().put(B, m, Set.of(new Tag("a")));
        manifests().delete(A, m.digest());
        assertThrows(NotFoundException.class, () -> manifests().get(A, m.digest()), "manifest-delete-1: manifest gone");
        assertThrows(NotFoundException.class, () -> manifests().resolve(A, new Tag("a")), "manifest-delete-1: tag a gone");
        assertThrows(NotFoundException.class, () -> manifests().resolve(A, new Tag("b")), "manifest-delete-1: tag b gone");
        assertEquals(other.digest(), manifests().resolve(A, new Tag("c")), "manifest-delete-1: other tags stay");
        assertEquals(m.digest(), manifests().resolve(B, new Tag("a")), "manifest-delete-1: other repositories unaffected");
        assertArrayEquals(m.content(), manifests().get(B, m.digest()).content(), "same content in " + B + " stays");
        assertThrows(NotFoundException.class, () -> manifests().delete(A, m.digest()), "manifest-delete-2: unknown");
    }

    @Test
    @DisplayName("tag-delete-1: untag removes the tag only")
    void untag() throws IOException {
        PushedManifest m = manifest("untag");
        manifests().put(A, m, Set.of(new Tag("x")));
        manifests().untag(A, new Tag("x"));
        assertThrows(NotFoundException.class, () -> manifests().resolve(A, new Tag("x")), "tag-delete-1: tag gone");
        assertArrayEquals(m.content(), manifests().get(A, m.digest()).content(), "tag-delete-1: manifest stays");
        assertThrows(NotFoundException.class, () -> manifests().untag(A, new Tag("x")), "tag-delete-2: unknown tag");
    }

    @Test
    @DisplayName("tags-1, tags-2: tags list in ASCIIbetical order, paginated; unknown repository throws")
    void tagListing() throws IOException {
        assertThrows(NotFoundException.class, () -> manifests().tags(A, Optional.empty(), 10),
                "tags-2: listing tags of a repository with no content must throw NotFoundException");
        PushedManifest m = manifest("tags");
        List<String> names = List.of("b", "A", "a", "1.0", "_x", "Z9", "latest", "v1.2.3-rc_1");
        Set<Tag> tags = new java.util.HashSet<>();
        names.forEach(n -> tags.add(new Tag(n)));
        manifests().put(A, m, tags);
        List<String> expected = new ArrayList<>(names);
        java.util.Collections.sort(expected); // String order is ASCIIbetical for these characters
        Page<Tag> all = manifests().tags(A, Optional.empty(), 100);
        assertEquals(expected, all.items().stream().map(Tag::value).toList(), "tags-1: ASCIIbetical order");
        assertFalse(all.more(), "tags-1: a page holding everything has no more");
        List<String> paged = new ArrayList<>();
        Optional<Tag> after = Optional.empty();
        for (int i = 0; i < 10; i++) {
            Page<Tag> page = manifests().tags(A, after, 3);
            assertTrue(page.items().size() <= 3, "tags-1: at most limit items per page");
            page.items().forEach(t -> paged.add(t.value()));
            if (!page.more()) {
                break;
            }
            assertEquals(3, page.items().size(), "tags-1: a page with more after it must be full");
            after = Optional.of(page.items().get(page.items().size() - 1));
        }
        assertEquals(expected, paged, "tags-1: pages strictly after `after` must add up to the whole list");
        manifests().untag(A, new Tag("b"));
        assertFalse(manifests().tags(A, Optional.empty(), 100).items().contains(new Tag("b")), "untagged is not listed");
    }

    @Test
    @DisplayName("tags-2: a repository holding only blobs lists no tags, without NotFoundException")
    void blobOnlyRepositoryHasNoTags() throws IOException {
        byte[] content = "only a blob".getBytes(StandardCharsets.UTF_8);
        dev.berth.registry.spi.Upload upload = storage().uploads().create(B, UploadContracts.newId());
        upload.append(new java.io.ByteArrayInputStream(content));
        upload.commit(Digest.sha256(content));
        Page<Tag> tags = manifests().tags(B, Optional.empty(), 10);
        assertTrue(tags.items().isEmpty() && !tags.more(), "tags-2 (ManifestHandler.tags): a repository holding a"
                + " blob has content, as the catalog lists it (catalog-1): its tags are an empty page");
    }

    @Test
    @DisplayName("catalog-1: repositories list in order, paginated")
    void repositoryListing() throws IOException {
        // "tck/alpha-x" sorts between "tck/alpha" and "tck/alpha/nested": a walk of the directory tree
        // in its own order would list it last
        List<String> names = List.of("tck/zeta", "tck/alpha", "tck/alpha/nested", "tck/alpha-x", "tck/alpha.y",
                "tck/alpha0", "other");
        for (String n : names) {
            manifests().put(repo(n), manifest(n), Set.of(new Tag("t")));
        }
        List<String> expected = new ArrayList<>(names);
        java.util.Collections.sort(expected);
        List<String> listed = new ArrayList<>();
        Optional<Repository> after = Optional.empty();
        for (int i = 0; i < 10; i++) {
            Page<Repository> page = manifests().repositories(after, 2);
            page.items().forEach(r -> listed.add(r.name()));
            if (!page.more()) {
                break;
            }
            after = Optional.of(page.items().get(page.items().size() - 1));
        }
        assertEquals(expected, listed, "catalog-1: every repository with a manifest, ASCIIbetical, across pages");
        assertEquals(List.of(repo("tck/alpha/nested"), repo("tck/alpha0")),
                manifests().repositories(Optional.of(repo("tck/alpha.y")), 2).items(),
                "catalog-1: a page after a name holds the names after it, nested ones included");
    }

    @Test
    @DisplayName("referrers-1, manifest-put-3: manifests with a subject are listed, and unlisted on delete")
    void referrers() throws IOException {
        Digest subject = Digest.sha256("the subject".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(), manifests().referrers(A, subject), "referrers-1: none yet means an empty list");
        PushedManifest sbom = manifest("sbom", Optional.of(subject), Optional.of("application/vnd.example.sbom"),
                Map.of("org.example.kind", "sbom"));
        PushedManifest sig = manifest("sig", Optional.of(subject), Optional.of("application/vnd.example.sig"), Map.of());
        manifests().put(A, sbom, Set.of());
        manifests().put(A, sig, Set.of());
        List<Descriptor> listed = manifests().referrers(A, subject);
        assertEquals(2, listed.size(), "manifest-put-3: both referrers must be listed, even though the subject is absent");
        Descriptor sbomEntry = listed.stream().filter(d -> d.digest().equals(sbom.digest())).findFirst()
                .orElseThrow(() -> new AssertionError("referrers-1: the sbom manifest is not listed"));
        assertEquals(Optional.of("application/vnd.example.sbom"), sbomEntry.artifactType(), "referrers-1: artifactType");
        assertEquals(Map.of("org.example.kind", "sbom"), sbomEntry.annotations(), "referrers-1: annotations are kept");
        assertEquals(sbom.content().length, sbomEntry.size(), "referrers-1: size is the manifest's length");
        assertEquals(List.of(), manifests().referrers(B, subject), "referrers-1: referrers are per repository");
        manifests().delete(A, sbom.digest());
        assertEquals(List.of(sig.digest()), manifests().referrers(A, subject).stream().map(Descriptor::digest).toList(),
                "manifest-delete-1: a deleted manifest leaves its subject's referrers list");
    }
}
