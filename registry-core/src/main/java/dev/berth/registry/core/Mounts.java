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
 * be mounted falls back to an upload session (202). Without {@code from}, the backend's index of
 * holders names the candidates, so the cost does not grow with the number of repositories.
 */
final class Mounts {
    private final RegistryOptions options;

    Mounts(RegistryOptions options) {
        this.options = options;
    }

    /**
     * {@link #mount}, taking the blob's room in {@code repo}'s quotas first; where the room cannot
     * be known here, no mount: the client uploads, and the commit is checked.
     */
    boolean mountWithinQuotas(Exchange ex, Repository repo, Digest digest) throws IOException {
        Optional<Repository> from = ex.query("from").map(Names::repository).filter(ex::mayPull);
        Optional<QuotaReservation> room = options.quotas().forMount(repo, digest, from);
        if (room.isEmpty()) {
            return false;
        }
        try (QuotaReservation held = room.get()) {
            if (mount(ex, repo, digest, ex.query("from"))) {
                held.committed();
                return true;
            }
            return false;
        }
    }

    /** Whether {@code digest} is now a blob of {@code repo}, mounted from {@code fromName} (or, if allowed, any). */
    boolean mount(Exchange ex, Repository repo, Digest digest, Optional<String> fromName) throws IOException {
        if (options.view().mount().isEmpty()) {
            return false;
        }
        BlobMountHandler mounter = options.view().mount().get();
        if (fromName.isEmpty()) {
            Optional<StorageView.Locator> locator = options.view().locate();
            return options.automaticCrossMount() && locator.isPresent()
                    && mountFromAHolder(ex, locator.get(), mounter, repo, digest);
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

    /** How many holders a mount without {@code from} looks at, at most, for one the caller may pull. */
    static final int HOLDERS_LOOKED_AT = 100;

    /**
     * Mounts from the first holder the caller may pull; a holder that no longer holds the blob
     * (an index entry a crash left) is passed over.
     */
    private boolean mountFromAHolder(Exchange ex, StorageView.Locator locator, BlobMountHandler mounter,
                                     Repository repo, Digest digest) throws IOException {
        for (Repository from : locator.locate(digest, HOLDERS_LOOKED_AT)) {
            if (ex.mayPull(from)) {
                try {
                    mounter.mount(from, repo, digest);
                    return true;
                } catch (NotFoundException e) {
                    // stale entry: try the next holder
                }
            }
        }
        return false;
    }
}
