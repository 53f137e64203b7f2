// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Repository;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what, plugged in with {@code Registry.builder().access(...)}. Without one every
 * request is allowed (a registry for tests). With one, the router authenticates each request,
 * works out what it needs (pull, push or delete on the repository its path names) and answers
 * {@code 401 UNAUTHORIZED} with this control's challenge, or {@code 403 DENIED}, before any
 * route runs. {@code _catalog} lists only repositories the caller may pull, and a mount only
 * takes a blob from a repository the caller may pull.
 */
public interface AccessControl {
    /** The actions of the token scope grammar ({@code repository:NAME:pull,push}). */
    enum Action {
        PULL, PUSH, DELETE;

        public String scopeName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Action> fromScopeName(String name) {
            for (Action a : values()) {
                if (a.scopeName().equals(name)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    /** What a request needs: the actions on one repository. */
    record Scope(Repository repository, Set<Action> actions) {
        public Scope {
            Objects.requireNonNull(repository, "repository");
            actions = Set.copyOf(actions);
        }

        /** {@code repository:NAME:pull,push}, actions in enum order. */
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("repository:").append(repository.name()).append(':');
            String sep = "";
            for (Action a : Action.values()) {
                if (actions.contains(a)) {
                    s.append(sep).append(a.scopeName());
                    sep = ",";
                }
            }
            return s.toString();
        }
    }

    /** The sender of a request, as {@link #authenticate} found it. */
    interface Caller {
        /** The user (or token subject), or {@code anonymous}: logged, never a secret. */
        String name();

        boolean authenticated();

        boolean may(Repository repository, Action action);

        /**
         * Whether a refusal should be a 401 with a challenge (the caller can come back with
         * other credentials, e.g. a token for a wider scope) rather than a 403.
         */
        default boolean mayRetry() {
            return !authenticated();
        }

        /** Whether {@code repository} is in this caller's catalog listing: by default, where it may pull. */
        default boolean mayList(Repository repository) {
            return may(repository, Action.PULL);
        }

        /**
         * Whether the caller may pull from some repository; an anonymous caller that may not gets
         * a 401 challenge for the catalog instead of an empty listing.
         */
        default boolean mayPullSomewhere() {
            return authenticated();
        }
    }

    /** Thrown when credentials are present but unusable: wrong, expired, malformed. */
    final class Unauthenticated extends Exception {
        private static final long serialVersionUID = 1L;

        public Unauthenticated(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The caller of {@code request}: anonymous when it carries no credentials; throws when the
     * credentials it carries are not valid. Never logs a secret.
     */
    Caller authenticate(HttpServletRequest request) throws Unauthenticated;

    /**
     * The {@code WWW-Authenticate} value for a 401 to {@code request}: asking for credentials for {@code scope}
     * (empty: for the registry as a whole), with {@code error="insufficient_scope"} when the
     * caller's credentials were valid but too narrow.
     */
    String challenge(HttpServletRequest request, Optional<Scope> scope, boolean insufficientScope);

    /** The {@code WWW-Authenticate} value asking for credentials to list the catalog. */
    default String catalogChallenge(HttpServletRequest request) {
        return challenge(request, Optional.empty(), false);
    }
}
