// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.auth;

import dev.berth.registry.api.Repository;
import dev.berth.registry.core.AccessControl;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/** HTTP Basic authentication against an htpasswd file, authorized by an {@link AccessPolicy}. */
final class BasicAccess implements AccessControl {
    private static final System.Logger LOG = System.getLogger(BasicAccess.class.getName());

    private final Htpasswd users;
    private final AccessPolicy policy;
    private final String realm;

    BasicAccess(Htpasswd users, AccessPolicy policy, String realm) {
        this.users = users;
        this.policy = policy;
        this.realm = realm;
    }

    /** A user name and password from a Basic header; the password is wiped by the caller. */
    record Credentials(String user, char[] password) {
    }

    /**
     * Parses {@code Basic base64(user:password)} strictly: canonical Base64 (padding and all),
     * UTF-8, a colon, a non-empty user without control characters. Empty when there is no
     * Authorization header.
     */
    static Optional<Credentials> parse(HttpServletRequest request, String scheme) throws Unauthenticated {
        String header = request.getHeader("Authorization");
        if (header == null) {
            return Optional.empty();
        }
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new Unauthenticated("expected " + scheme + " credentials");
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
        return Optional.of(new Credentials(user, password));
    }

    /** Checks credentials; logs a failure with the user name and address, never the password. */
    static String login(Htpasswd users, Credentials credentials, HttpServletRequest request) throws Unauthenticated {
        try {
            if (!users.verify(credentials.user(), credentials.password())) {
                LOG.log(System.Logger.Level.WARNING, "failed login for user \"" + printable(credentials.user())
                        + "\" from " + request.getRemoteAddr());
                throw new Unauthenticated("invalid user name or password");
            }
            return credentials.user();
        } finally {
            Arrays.fill(credentials.password(), '\0');
        }
    }

    static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?").replace("\"", "'");
    }

    @Override
    public Caller authenticate(HttpServletRequest request) throws Unauthenticated {
        Optional<Credentials> credentials = parse(request, "Basic");
        Optional<String> user = credentials.isEmpty() ? Optional.empty()
                : Optional.of(login(users, credentials.get(), request));
        return new PolicyCaller(user, policy, false);
    }

    @Override
    public String challenge(HttpServletRequest request, Optional<Scope> scope, boolean insufficientScope) {
        return "Basic realm=\"" + realm + "\", charset=\"UTF-8\"";
    }

    /** A caller whose rights come from the policy. */
    record PolicyCaller(Optional<String> user, AccessPolicy policy, boolean tokens) implements Caller {
        @Override
        public String name() {
            return user.orElse("anonymous");
        }

        @Override
        public boolean authenticated() {
            return user.isPresent();
        }

        @Override
        public boolean may(Repository repository, Action action) {
            return policy.permits(user, repository, action);
        }

        @Override
        public boolean mayRetry() {
            return tokens || user.isEmpty();
        }

        @Override
        public boolean mayPullSomewhere() {
            return user.isPresent() || policy.anonymousMayPullSomewhere();
        }
    }
}
