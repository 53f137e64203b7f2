// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Range and manifest parsing, without HTTP (the TCK covers the HTTP side). */
class ParsingTest {
    @ParameterizedTest
    @CsvSource({"bytes=0-0,0,0", "bytes=5-,5,99", "bytes=-10,90,99", "bytes=90-200,90,99", "bytes=-500,0,99"})
    void ranges(String header, long start, long end) {
        long[] r = Blobs.parseRange(header, 100).orElseThrow();
        assertArrayEquals(new long[] {start, end}, r);
    }

    @ParameterizedTest
    @CsvSource({"bytes=0-1;0-2", "items=0-1", "bytes=-", "bytes=a-b"})
    void ignoredRanges(String header) {
        assertTrue(Blobs.parseRange(header.replace(';', ','), 100).isEmpty(), header);
    }

    @Test
    void unsatisfiableRange() {
        RegistryException e = assertThrows(RegistryException.class, () -> Blobs.parseRange("bytes=100-", 100));
        assertEquals(416, e.status());
        assertThrows(RegistryException.class, () -> Blobs.parseRange("bytes=-0", 100));
        assertEquals(416, assertThrows(RegistryException.class, () -> Blobs.parseRange("bytes=50-5", 100)).status(),
                "a last position before the first is unsatisfiable, as distribution answers");
    }

    private static ManifestParser.Parsed parse(String json, MediaType type) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return ManifestParser.parse(bytes, Optional.ofNullable(type), Digest.sha256(bytes));
    }

    @Test
    void imageManifestFacts() {
        String c = Digest.sha256(new byte[] {1}).toString();
        String l = Digest.sha256(new byte[] {2}).toString();
        String s = Digest.sha256(new byte[] {3}).toString();
        ManifestParser.Parsed p = parse("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/x.cfg\",\"digest\":\""
                + c + "\",\"size\":1},\"layers\":[{\"mediaType\":\"application/x.l\",\"digest\":\"" + l
                + "\",\"size\":1,\"urls\":[\"https://x\"]}],\"subject\":{\"mediaType\":\"application/x.m\",\"digest\":\""
                + s + "\",\"size\":5},\"annotations\":{\"k\":\"v\"}}", MediaType.OCI_MANIFEST);
        assertEquals(Optional.of("application/x.cfg"), p.manifest().artifactType(), "config type stands in");
        assertEquals(Optional.of(Digest.parse(s)), p.manifest().subject());
        assertEquals(2, p.manifest().references().size(), "config and layer, not the subject");
        assertTrue(p.dependencies().get(1).external(), "a layer with urls is external");
    }

    @Test
    void invalidManifests() {
        for (String bad : new String[] {"[]", "{\"schemaVersion\":1}", "{\"schemaVersion\":2,\"schemaVersion\":2}",
                "{\"schemaVersion\":2,\"manifests\":{}}", "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"x\"}]}"}) {
            RegistryException e = assertThrows(RegistryException.class, () -> parse(bad, MediaType.OCI_INDEX), bad);
            assertEquals(ErrorCode.MANIFEST_INVALID, e.code(), bad);
        }
        assertThrows(RegistryException.class, () -> parse("{\"schemaVersion\":2,\"manifests\":[]}", null),
                "no Content-Type and no mediaType");
    }
}
