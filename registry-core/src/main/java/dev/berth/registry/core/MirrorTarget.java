// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;

/**
 * A request's repository as a mirror sees it: which upstream, the name there ({@code remote}),
 * and where its content is cached ({@code local}, under the upstream's name).
 */
record MirrorTarget(UpstreamClient client, String remote, Repository local, Mode mode, boolean allowed) {
    enum Mode {
        /** {@code /v2/docker.io/library/alpine/…}: the name says it. */
        PREFIX,
        /** containerd's {@code ?ns=docker.io}. */
        NAMESPACE,
        /** a plain name the registry does not hold, from the default upstream. */
        DEFAULT
    }

    Upstream upstream() {
        return client.upstream;
    }

    boolean tagAllowed(Tag tag) {
        return client.mirrorsTag.test(tag);
    }

    RegistryException notMirrored(String what) {
        return new RegistryException(ErrorCode.NAME_UNKNOWN, what + " is not mirrored from " + upstream().name()
                + ": this mirror takes repositories " + upstream().repositories() + " and tags " + upstream().tags());
    }
}
