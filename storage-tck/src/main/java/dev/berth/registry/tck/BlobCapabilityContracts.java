// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobDeleteHandler;
import dev.berth.registry.spi.BlobLocateHandler;
import dev.berth.registry.spi.BlobMountHandler;
import dev.berth.registry.spi.BlobStatHandler;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.RedirectException;
import java.io.IOException;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SPI contracts of the optional blob capabilities: stat, redirects, delete, mount, locate. */
abstract class BlobCapabilityContracts extends BlobGroup {
    @Test
    @DisplayName("stat-1, stat-2: stat tells the size, or NotFoundException")
    void stat() throws IOException {
        BlobStatHandler stat = require(blobs(), BlobStatHandler.class);
        byte[] content = Content.random(10, 12_345);
        Digest digest = put(A, content);
        assertEquals(content.length, stat.stat(A, digest), "stat-1: stat must return the blob's size in bytes");
        assertThrows(NotFoundException.class, () -> stat.stat(B, digest),
                "stat-2: stat through a repository that does not hold the blob must throw NotFoundException");
    }

    @Test
    @DisplayName("get-3, stat-3: a backend that redirects does so with an absolute URI, for get and stat alike")
    void redirects() throws IOException {
        Digest digest = put(A, Content.random(14, 2048));
        URI location;
        try {
            blobs().get(A, digest).close();
            org.junit.jupiter.api.Assumptions.assumeTrue(false,
                    "the backend serves blobs itself (no RedirectException): redirect checks skipped");
            return;
        } catch (RedirectException e) {
            location = e.location();
        }
        assertTrue(location.isAbsolute(), "get-3: a redirect must name an absolute URI clients can follow, got "
                + location);
        if (blobs() instanceof BlobStatHandler stat) {
            try {
                stat.stat(A, digest);
            } catch (RedirectException e) {
                return; // consistent
            }
            // a size is fine too: HEAD may be answered here while GET goes elsewhere
        }
        assertThrows(NotFoundException.class, () -> blobs().get(B, digest),
                "get-2: a redirecting backend must still answer NotFoundException for repositories without the blob");
    }

    @Test
    @DisplayName("delete-1, delete-2, delete-3: delete removes from one repository only")
    void delete() throws IOException {
        BlobDeleteHandler deleter = require(blobs(), BlobDeleteHandler.class);
        byte[] content = Content.random(11, 4096);
        Digest digest = put(A, content);
        put(B, content);
        deleter.delete(A, digest);
        assertThrows(NotFoundException.class, () -> blobs().get(A, digest).close(),
                "delete-1: after delete, get through the same repository must throw NotFoundException");
        assertArrayEquals(content, read(blobs(), B, digest),
                "delete-2: deleting from " + A + " must not affect " + B + ", which holds the same content");
        assertThrows(NotFoundException.class, () -> deleter.delete(A, digest),
                "delete-3: deleting a blob the repository does not hold must throw NotFoundException");
        deleter.delete(B, digest);
        assertThrows(NotFoundException.class, () -> blobs().get(B, digest).close(), "delete-1 on the last holder");
        Digest again = put(A, content);
        assertArrayEquals(content, read(blobs(), A, again), "put-1: a deleted blob can be pushed again");
    }

    @Test
    @DisplayName("mount-1, mount-2: mount shares a blob between repositories")
    void mount() throws IOException {
        BlobMountHandler mounter = require(blobs(), BlobMountHandler.class);
        byte[] content = Content.random(12, 2048);
        Digest digest = put(A, content);
        mounter.mount(A, B, digest);
        assertArrayEquals(content, read(blobs(), B, digest), "mount-1: after mount, the target repository reads the blob");
        Digest unknown = Digest.sha256(Content.random(13, 10));
        Repository c = repo("tck/c");
        assertThrows(NotFoundException.class, () -> mounter.mount(A, c, unknown),
                "mount-2: mounting a digest the source does not hold must throw NotFoundException");
        try {
            blobs().get(c, unknown).close();
            fail("mount-2: a failed mount must not make the blob readable in the target");
        } catch (NotFoundException expected) {
            // right
        }
    }

    @Test
    @DisplayName("locate-1, locate-2, locate-3: locate lists the holders of a blob, at most limit, and only them")
    void locate() throws IOException {
        BlobLocateHandler locator = require(blobs(), BlobLocateHandler.class);
        byte[] content = Content.random(15, 3000);
        Digest digest = put(B, content);
        put(A, content);
        Repository c = repo("tck/c");
        Repository nested = repo("tck/a/z"); // beside tck/a: a backend mapping names to paths must keep both
        locator.mount(A, c, digest);
        locator.mount(A, nested, digest);
        put(repo("tck/other"), Content.random(16, 100));
        assertEquals(Set.of(A, B, c, nested), holders(locator, digest, 10),
                "locate-1: the repositories a put or mount linked the blob into, and no other");
        List<Repository> two = locator.locate(digest, 2);
        assertEquals(2, two.size(), "locate-3: at most limit repositories, got " + two);
        assertTrue(Set.of(A, B, c, nested).containsAll(two), "locate-3: only holders, got " + two);
        assertEquals(List.of(), locator.locate(Digest.sha256(Content.random(17, 10)), 10),
                "locate-3: a digest nothing holds has no holders");
        if (locator instanceof BlobDeleteHandler deleter) {
            deleter.delete(B, digest);
            assertEquals(Set.of(A, c, nested), holders(locator, digest, 10),
                    "locate-2: after delete, the repository is no longer listed");
        }
    }

    /** The holders as a set, after checking that none is listed twice (locate-3). */
    static Set<Repository> holders(BlobLocateHandler locator, Digest digest, int limit) throws IOException {
        List<Repository> listed = locator.locate(digest, limit);
        Set<Repository> unique = new HashSet<>(listed);
        assertEquals(unique.size(), listed.size(), "locate-3: each repository once, got " + listed);
        return unique;
    }
}
