// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.ops;

import dev.berth.registry.core.Registry;
import java.io.PrintWriter;

/**
 * {@code kill -USR1 PID} toggles read-only mode, for operators without access to the admin
 * listener. Not SIGUSR2: HotSpot suspends threads with it on Linux (JFR's sampler does, for
 * one), and a handler on it flipped the mode at random while the server was being profiled.
 */
public final class ReadOnlySignal {
    private ReadOnlySignal() {
    }

    @SuppressWarnings("restriction")
    public static void install(Registry registry, PrintWriter out) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("USR1"), signal -> {
                registry.readOnly(!registry.isReadOnly());
                out.println("Berth read-only mode " + (registry.isReadOnly() ? "on" : "off") + " (SIGUSR1)");
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            out.println("Berth: SIGUSR1 is not available here (" + e.getMessage() + "); use POST /admin/read-only");
        }
    }
}
