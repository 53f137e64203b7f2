// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.cli;

import dev.berth.registry.core.Upstream;
import dev.berth.registry.server.mirror.MirrorFile;
import dev.berth.registry.server.auth.AuthSettings;
import dev.berth.registry.spi.StorageConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything the server is started with, parsed and checked: what {@link Serve} needs and nothing of picocli. */
record Settings(Listen listen, StorageSettings storage, Limits limits, Collection gc, AuthSettings auth,
                TlsSettings tls, Optional<Admin> admin, Events events, String accessLog, boolean readOnly,
                boolean referrers, Optional<Path> policy, Mirroring mirroring) {
    Settings {
        if (!List.of("text", "json", "ncsa", "off").contains(accessLog)) {
            throw new IllegalArgumentException("--access-log must be text, json, ncsa or off, not " + accessLog);
        }
    }

    /** @param host empty: loopback without authentication, every interface with it */
    record Listen(Optional<String> host, int port, Duration readTimeout, Duration headerTimeout, int maxHeaderBytes,
                  long minUploadRate, boolean sendfile) {
    }

    /** The upstreams given by {@code --mirror} flags (the first the default for plain names) and the {@code --mirrors} file. */
    record Mirroring(List<String> flags, Optional<Path> file) {
        Mirroring {
            flags = List.copyOf(flags);
        }

        List<Upstream> upstreams() throws java.io.IOException {
            List<Upstream> all = new java.util.ArrayList<>();
            for (int i = 0; i < flags.size(); i++) {
                Upstream flagged = MirrorFile.fromFlag(flags.get(i));
                all.add(i == 0 ? flagged.asDefault() : flagged);
            }
            if (file.isPresent()) {
                all.addAll(MirrorFile.load(file.get()));
            }
            return all;
        }
    }

    record Limits(int maxManifestBytes, int maxUploadsPerClient, Duration uploadIdle, Duration uploadExpiry) {
    }

    /** @param interval empty: no scheduled passes (the admin endpoint may still start one) */
    record Collection(Optional<Duration> interval, Duration grace, Optional<String> window, List<String> untagged) {
        Collection {
            untagged = List.copyOf(untagged);
        }
    }

    record Admin(String host, int port, Optional<Path> tokenFile) {
        static Admin parse(String address, Optional<Path> tokenFile) {
            int colon = address.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("--admin-address must be HOST:PORT, not " + address);
            }
            try {
                return new Admin(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)), tokenFile);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--admin-address must be HOST:PORT, not " + address);
            }
        }
    }

    record Events(List<URI> webhooks, int queue, Duration maxBackoff) {
        Events {
            webhooks = List.copyOf(webhooks);
        }
    }

    /** {@code value} of {@code option} as a duration, or an error naming the option and the accepted forms. */
    static Duration duration(String option, String value) {
        try {
            return StorageConfig.of(Map.of(option, value)).duration(option, Duration.ZERO);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " must be a duration such as 500ms, 90s, 15m, 24h or 7d, not "
                    + value);
        }
    }
}
