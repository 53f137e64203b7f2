// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import dev.berth.registry.spi.Manifest;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a repository knows of a manifest, as a small line-oriented text file (one
 * {@code key value} per line, values percent-encoded where free text): readable with
 * {@code cat}, parsed without JSON. The manifest's bytes are content under {@code blobs/}.
 */
record Facts(MediaType mediaType, long size, Optional<Digest> subject, Optional<String> artifactType,
             Map<String, String> annotations, Set<Digest> references) {

    static Facts of(Manifest m) {
        return new Facts(m.mediaType(), m.content().length, m.subject(), m.artifactType(), m.annotations(),
                m.references());
    }

    Descriptor descriptor(Digest digest) {
        return new Descriptor(mediaType, digest, size, artifactType, annotations);
    }

    byte[] encode() {
        StringBuilder b = new StringBuilder();
        b.append("mediaType ").append(mediaType.value()).append('\n');
        b.append("size ").append(size).append('\n');
        subject.ifPresent(s -> b.append("subject ").append(s).append('\n'));
        artifactType.ifPresent(t -> b.append("artifactType ").append(enc(t)).append('\n'));
        annotations.forEach((k, v) -> b.append("annotation ").append(enc(k)).append(' ').append(enc(v)).append('\n'));
        references.forEach(r -> b.append("ref ").append(r).append('\n'));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Facts decode(byte[] bytes, String where) throws IOException {
        MediaType mediaType = null;
        long size = -1;
        Optional<Digest> subject = Optional.empty();
        Optional<String> artifactType = Optional.empty();
        Map<String, String> annotations = new LinkedHashMap<>();
        Set<Digest> references = new LinkedHashSet<>();
        try {
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                int space = line.indexOf(' ');
                String key = line.substring(0, space);
                String value = line.substring(space + 1);
                switch (key) {
                    case "mediaType" -> mediaType = new MediaType(value);
                    case "size" -> size = Long.parseLong(value);
                    case "subject" -> subject = Optional.of(Digest.parse(value));
                    case "artifactType" -> artifactType = Optional.of(dec(value));
                    case "annotation" -> {
                        int sep = value.indexOf(' ');
                        annotations.put(dec(value.substring(0, sep)), dec(value.substring(sep + 1)));
                    }
                    case "ref" -> references.add(Digest.parse(value));
                    default -> { } // written by a newer version: ignore
                }
            }
        } catch (RuntimeException e) {
            throw new IOException("unreadable manifest facts in " + where + ": " + e.getMessage(), e);
        }
        if (mediaType == null || size < 0) {
            throw new IOException("incomplete manifest facts in " + where);
        }
        return new Facts(mediaType, size, subject, artifactType, annotations, references);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
