// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.core.AccessControl.Unauthenticated;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * A user name and password from an {@code Authorization: Basic} header, for an
 * {@link AccessControl} to check; the caller wipes the password ({@link #wipe}) once it has.
 */
public record BasicCredentials(String user, char[] password) {
    /**
     * Parses {@code Basic base64(user:password)} strictly: canonical Base64 (padding and all),
     * UTF-8, a colon, a non-empty user without control characters. Empty when there is no
     * Authorization header; other schemes and malformed credentials are refused.
     */
    public static Optional<BasicCredentials> parse(HttpServletRequest request) throws Unauthenticated {
        String header = request.getHeader("Authorization");
        if (header == null) {
            return Optional.empty();
        }
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new Unauthenticated("expected Basic credentials");
        }
        String encoded = header.substring(6).trim();
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new Unauthenticated("malformed Basic credentials (not Base64)");
        }
        if (!Base64.getEncoder().encodeToString(decoded).equals(encoded)) {
            throw new Unauthenticated("malformed Basic credentials (not canonical Base64)");
        }
        CharBuffer chars;
        try {
            chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(decoded));
        } catch (CharacterCodingException e) {
            throw new Unauthenticated("malformed Basic credentials (not UTF-8)");
        } finally {
            Arrays.fill(decoded, (byte) 0);
        }
        char[] all = new char[chars.remaining()];
        chars.get(all);
        int colon = -1;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon <= 0) {
            Arrays.fill(all, '\0');
            throw new Unauthenticated("malformed Basic credentials (want user:password)");
        }
        String user = new String(all, 0, colon);
        char[] password = Arrays.copyOfRange(all, colon + 1, all.length);
        Arrays.fill(all, '\0');
        if (user.chars().anyMatch(Character::isISOControl)) {
            Arrays.fill(password, '\0');
            throw new Unauthenticated("malformed Basic credentials (control characters in the user name)");
        }
        return Optional.of(new BasicCredentials(user, password));
    }

    /** Overwrites the password in memory. */
    public void wipe() {
        Arrays.fill(password, '\0');
    }
}
