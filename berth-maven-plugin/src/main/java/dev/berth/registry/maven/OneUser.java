// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.maven;

import dev.berth.registry.api.Repository;
import dev.berth.registry.core.AccessControl;
import dev.berth.registry.core.BasicCredentials;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;

/** HTTP Basic for one user name and password from the build's configuration: that user may do anything, nobody else anything. */
final class OneUser implements AccessControl {
    private final String username;
    private final byte[] password;

    OneUser(String username, String password) {
        this.username = username;
        this.password = password.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Caller authenticate(HttpServletRequest request) throws Unauthenticated {
        Optional<BasicCredentials> given = BasicCredentials.parse(request);
        if (given.isEmpty()) {
            return caller(false);
        }
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(given.get().password()));
        byte[] offered = new byte[encoded.remaining()];
        encoded.get(offered);
        try {
            // the password in constant time: no timing oracle on it
            if (!given.get().user().equals(username) | !MessageDigest.isEqual(password, offered)) {
                throw new Unauthenticated("wrong user name or password");
            }
        } finally {
            given.get().wipe();
            Arrays.fill(offered, (byte) 0);
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return caller(true);
    }

    private static Caller caller(boolean known) {
        return new Caller() {
            @Override
            public String name() {
                return known ? "build" : "anonymous";
            }

            @Override
            public boolean authenticated() {
                return known;
            }

            @Override
            public boolean may(Repository repository, Action action) {
                return known;
            }
        };
    }

    @Override
    public String challenge(HttpServletRequest request, Optional<Scope> scope, boolean insufficientScope) {
        return "Basic realm=\"berth\", charset=\"UTF-8\"";
    }
}
