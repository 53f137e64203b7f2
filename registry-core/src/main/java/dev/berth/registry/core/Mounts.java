// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.Repository;
import dev.berth.registry.spi.BlobMountHandler;
import dev.berth.registry.spi.NotFoundException;
import java.io.IOException;
import java.util.Optional;

/**
 * end-11: cross-repository mounts, only from repositories the caller may pull; a blob that cannot
 * be mounted falls back to an upload session (202).
 */
final class Mounts {
    private final RegistryOptions options;

    Mounts(RegistryOptions options) {
        this.options = options;
    }

    /** Whether {@code digest} is now a blob of {@code repo}, mounted from {@code fromName} (or, if allowed, any). */
    boolean mount(Exchange ex, Repository repo, Digest digest, Optional<String> fromName) throws IOException {
        if (options.view().mount().isEmpty()) {
            return false;
        }
        BlobMountHandler mounter = options.view().mount().get();
        if (fromName.isEmpty()) {
            return options.automaticCrossMount() && mountFromAnyRepository(ex, mounter, repo, digest);
        }
        Repository from = Names.repository(fromName.get());
        if (!ex.mayPull(from)) {
            return false; // no digest-guessing across repositories: upload it instead (202)
        }
        try {
            mounter.mount(from, repo, digest);
            return true;
        } catch (NotFoundException e) {
            return false; // end-11: fall back to an upload session (202)
        }
    }

    /** How many repositories a mount without {@code from} searches, at most. */
    private static final int MOUNT_SEARCH_LIMIT = 100_000;

    /** Off by default: it lets a pusher probe for digests held in repositories it names nowhere. */
    private boolean mountFromAnyRepository(Exchange ex, BlobMountHandler mounter, Repository repo, Digest digest)
            throws IOException {
        int[] looked = {0};
        boolean[] mounted = {false};
        Repositories.forEach(options.view().manifests(), Optional.empty(), 1000, from -> {
            if (ex.mayPull(from)) {
                try {
                    mounter.mount(from, repo, digest);
                    mounted[0] = true;
                    return false;
                } catch (NotFoundException e) {
                    // not in this one
                }
            }
            return ++looked[0] < MOUNT_SEARCH_LIMIT;
        });
        return mounted[0];
    }
}
