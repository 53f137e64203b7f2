// SPDX-License-Identifier: Apache-2.0
package com.example.mine;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

/**
 * An append-only file of records, one per line: a type letter, then fields, each Base64url so
 * that no separator occurs inside one. A record is durable once {@link #append} returns; at open
 * the records are replayed, and a last line a crash cut short is dropped.
 */
final class Journal implements Closeable {
    static final String NONE = "!"; // no value (null): '!' is not in the Base64url alphabet

    private final FileChannel channel;

    private Journal(FileChannel channel) {
        this.channel = channel;
    }

    /** Opens {@code file}, handing every complete record to {@code replay} first. */
    static Journal open(Path file, Consumer<List<String>> replay) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        byte[] all = Files.readAllBytes(file);
        int end = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                replay.accept(List.of(new String(all, end, i - end, StandardCharsets.US_ASCII).split(" ")));
                end = i + 1;
            }
        }
        channel.truncate(end); // a torn last record was never acknowledged
        channel.position(end);
        return new Journal(channel);
    }

    /** Writes the records and forces them to disk: what a crash cannot take back. */
    synchronized void append(List<List<String>> records) throws IOException {
        StringBuilder text = new StringBuilder();
        for (List<String> record : records) {
            text.append(String.join(" ", record)).append('\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        channel.force(false);
    }

    static String encode(String text) {
        return encode(text.getBytes(StandardCharsets.UTF_8));
    }

    static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String text(String field) {
        return new String(bytes(field), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String field) {
        return Base64.getUrlDecoder().decode(field);
    }

    /** A record of {@code type}: each field text, bytes, or null for none, encoded. */
    static List<String> record(String type, Object... fields) {
        List<String> record = new ArrayList<>(List.of(type));
        for (Object field : fields) {
            record.add(field == null ? NONE : field instanceof byte[] bytes ? encode(bytes) : encode(field.toString()));
        }
        return record;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
