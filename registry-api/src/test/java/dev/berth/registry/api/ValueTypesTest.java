// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypesTest {
    @Test
    void digestsRoundTrip() {
        Digest empty = Digest.sha256(new byte[0]);
        assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", empty.toString());
        assertEquals(empty, Digest.parse(empty.toString()));
        Digest sha512 = Digest.of(Digest.Algorithm.SHA512, "abc".getBytes(StandardCharsets.UTF_8));
        assertEquals(128, sha512.encoded().length());
        assertEquals(sha512, Digest.parse(sha512.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sha256", "sha256:", ":abc", "sha256:abc",
            "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "sha384:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555"})
    void badDigests(String s) {
        assertThrows(IllegalArgumentException.class, () -> Digest.parse(s));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "library/ubuntu", "a.b_c__d-e--f/g0", "x/y/z", "0"})
    void goodNames(String s) {
        assertEquals(s, Repository.parse(s).name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "A", "a/", "/a", "a//b", "a..b", "a/../b", "-a", "a-", "_a", "a___b", "a b", "a/.b"})
    void badNames(String s) {
        assertThrows(IllegalArgumentException.class, () -> Repository.parse(s));
    }

    @Test
    void nameLength() {
        assertEquals(255, Repository.parse("a".repeat(255)).name().length());
        assertThrows(IllegalArgumentException.class, () -> Repository.parse("a".repeat(256)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".a", "-a", "a/b", "a:b", "a+b"})
    void badTags(String s) {
        assertThrows(IllegalArgumentException.class, () -> Tag.parse(s));
    }

    @Test
    void tags() {
        assertEquals("_x.Y-9", Tag.parse("_x.Y-9").value());
        assertEquals(128, Tag.parse("a".repeat(128)).value().length());
        assertThrows(IllegalArgumentException.class, () -> Tag.parse("a".repeat(129)));
        assertInstanceOf(Tag.class, Reference.parse("latest"));
        assertInstanceOf(Digest.class, Reference.parse(Digest.sha256(new byte[0]).toString()));
    }

    @Test
    void referrersTagSchema() {
        Digest d = Digest.parse("sha256:" + "a".repeat(64));
        assertEquals("sha256-" + "a".repeat(64), Tag.referrersTag(d).value());
        Digest long512 = Digest.parse("sha512:" + "b".repeat(128));
        assertEquals("sha512-" + "b".repeat(64), Tag.referrersTag(long512).value(), "encoded part cut to 64");
    }

    @Test
    void mediaTypes() {
        assertEquals(MediaType.OCI_MANIFEST, MediaType.parse("application/vnd.oci.image.manifest.v1+json; charset=utf-8"));
        assertThrows(IllegalArgumentException.class, () -> MediaType.parse("not a type"));
    }
}
