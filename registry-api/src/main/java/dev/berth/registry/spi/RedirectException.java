// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import java.io.IOException;
import java.net.URI;
import java.util.Objects;

/**
 * Signal from {@link BlobHandler#get} or {@link BlobStatHandler#stat}: the content is elsewhere;
 * core answers {@code status} (307 or 302) with {@code Location: location}.
 */
public class RedirectException extends IOException {
    private final URI location;
    private final int status;

    public RedirectException(URI location, int status) {
        super("redirect to " + location, null);
        this.location = Objects.requireNonNull(location, "location");
        if (status != 307 && status != 302 && status != 301 && status != 308) {
            throw new IllegalArgumentException("not a redirect status: " + status);
        }
        this.status = status;
    }

    public URI location() {
        return location;
    }

    public int status() {
        return status;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
