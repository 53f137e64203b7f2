// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.auth;

import dev.berth.registry.api.Repository;
import dev.berth.registry.core.AccessControl;
import dev.berth.registry.core.BasicCredentials;
import jakarta.servlet.http.HttpServletRequest;
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

    /** Checks credentials; logs a failure with the user name and address, never the password. */
    static String login(Htpasswd users, BasicCredentials credentials, HttpServletRequest request) throws Unauthenticated {
        try {
            if (!users.verify(credentials.user(), credentials.password())) {
                LOG.log(System.Logger.Level.WARNING, "failed login for user \"" + printable(credentials.user())
                        + "\" from " + request.getRemoteAddr());
                throw new Unauthenticated("invalid user name or password");
            }
            return credentials.user();
        } finally {
            credentials.wipe();
        }
    }

    static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?").replace("\"", "'");
    }

    @Override
    public Caller authenticate(HttpServletRequest request) throws Unauthenticated {
        Optional<BasicCredentials> credentials = BasicCredentials.parse(request);
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
