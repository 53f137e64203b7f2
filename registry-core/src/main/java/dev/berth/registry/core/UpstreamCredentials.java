// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import java.io.IOException;
import java.util.Objects;

/**
 * What a mirror logs in to its {@link Upstream} with: sent as Basic credentials to the upstream
 * itself, or to its token realm when that lies in the upstream's own domain, never elsewhere.
 * Asked again whenever a token is fetched, so a rotated secret is picked up.
 */
@FunctionalInterface
public interface UpstreamCredentials {
    Login login() throws IOException;

    /** A user name and its password or token. */
    record Login(String user, String secret) {
        public Login {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public String toString() {
            return "Login[" + user + ", secret hidden]";
        }
    }

    static UpstreamCredentials of(String user, String secret) {
        Login login = new Login(user, secret);
        return () -> login;
    }
}
