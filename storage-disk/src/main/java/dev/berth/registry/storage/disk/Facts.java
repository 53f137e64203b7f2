// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import dev.berth.registry.api.Descriptor;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import dev.berth.registry.spi.PushedManifest;
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
 * A repository's manifest file: a small line-oriented text header (one {@code key value} per
 * line, values percent-encoded where free text; readable with {@code head}, parsed without
 * JSON), an empty line, then the manifest's exact bytes. One file per manifest means one fsync
 * and one read.
 */
record Facts(MediaType mediaType, long size, Optional<Digest> subject, Optional<String> artifactType,
             Map<String, String> annotations, Set<Digest> references) {

    static Facts of(PushedManifest m) {
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

    /** The header, an empty line, and the manifest's bytes. */
    static byte[] encodeWithContent(PushedManifest m) {
        byte[] header = of(m).encode();
        byte[] file = new byte[header.length + 1 + m.content().length];
        System.arraycopy(header, 0, file, 0, header.length);
        file[header.length] = '\n';
        System.arraycopy(m.content(), 0, file, header.length + 1, m.content().length);
        return file;
    }

    /** Where the manifest's bytes start in a file written by {@link #encodeWithContent}. */
    static int contentOffset(byte[] file, String where) throws IOException {
        for (int i = 1; i < file.length; i++) {
            if (file[i] == '\n' && file[i - 1] == '\n') {
                return i + 1;
            }
        }
        throw new IOException("manifest file " + where + " has no header end");
    }

    /** Reads the header of a manifest file (the bytes before the empty line). */
    static Facts decodeHeader(byte[] file, String where) throws IOException {
        int offset = contentOffset(file, where);
        return decode(java.util.Arrays.copyOf(file, offset - 1), where);
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
