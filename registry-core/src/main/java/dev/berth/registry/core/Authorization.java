// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Repository;
import jakarta.servlet.http.HttpServletRequest;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** Who is calling, and whether they may do what the matched route does (its table row's access column). */
final class Authorization {
    private Authorization() {
    }

    /**
     * Authenticates the request and checks that the caller may do what the route does: pull for
     * reads, push for uploads and manifest PUT, delete for DELETE. The catalog is filtered by
     * Listings; the base endpoint only asks anonymous callers to log in.
     */
    static AccessControl.Caller check(AccessControl access, HttpServletRequest request, Route route,
                                                  Exchange exchange) {
        AccessControl.Caller caller;
        try {
            caller = access.authenticate(request);
        } catch (AccessControl.Unauthenticated e) {
            throw new RegistryException(ErrorCode.UNAUTHORIZED, "authentication failed: " + e.getMessage())
                    .header("WWW-Authenticate", access.challenge(request, Optional.empty(), false));
        }
        Optional<AccessControl.Action> needed = route.access().action();
        if (route.access() == RouteTable.Access.CATALOG && !caller.authenticated() && !caller.mayPullSomewhere()) {
            throw new RegistryException(ErrorCode.UNAUTHORIZED, "authentication required to list repositories")
                    .header("WWW-Authenticate", access.catalogChallenge(request));
        }
        if (route.access() == RouteTable.Access.BASE && !caller.authenticated()) {
            throw new RegistryException(ErrorCode.UNAUTHORIZED, "authentication required")
                    .header("WWW-Authenticate", access.challenge(request, Optional.empty(), false));
        }
        if (needed.isEmpty()) {
            return caller;
        }
        Repository repo = exchange.repository();
        if (caller.may(repo, needed.get())) {
            return caller;
        }
        // clients ask for pull and push together when pushing (docker, containers/image, Jib)
        Set<AccessControl.Action> scope = needed.get() == AccessControl.Action.PUSH
                ? EnumSet.of(AccessControl.Action.PULL, AccessControl.Action.PUSH)
                : EnumSet.of(needed.get());
        String what = needed.get().scopeName() + " on " + repo;
        if (caller.mayRetry()) {
            throw new RegistryException(ErrorCode.UNAUTHORIZED, caller.authenticated()
                    ? "the credentials do not grant " + what : "authentication required for " + what)
                    .header("WWW-Authenticate", access.challenge(request, Optional.of(new AccessControl.Scope(repo, scope)),
                            caller.authenticated()));
        }
        throw new RegistryException(ErrorCode.DENIED, caller.name() + " may not " + what);
    }

    /** In read-only mode only pulls pass: the route's access column says which routes write. */
    static void refuseWritesWhenReadOnly(boolean readOnly, Route route) {
        if (readOnly && route.access().action().filter(a -> a != AccessControl.Action.PULL).isPresent()) {
            throw new RegistryException(ErrorCode.UNSUPPORTED, 405,
                    "the registry is in read-only mode (maintenance): pulls work, pushes and deletes do not", null);
        }
    }
}
