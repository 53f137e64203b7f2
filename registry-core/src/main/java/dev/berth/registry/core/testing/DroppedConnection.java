// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core.testing;

/**
 * Thrown out of the servlet when a {@link Fault} asks to drop the connection: the Servlet API
 * cannot close a socket, so the host does it (server-jetty's filter closes the endpoint; other
 * containers abort the response, which a client also sees as a broken connection).
 */
public final class DroppedConnection extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DroppedConnection() {
        super("connection dropped by an injected fault", null, false, false);
    }
}
