// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import dev.berth.registry.core.Registry;
import java.io.PrintWriter;

/** {@code kill -USR2 PID} toggles read-only mode, for operators without access to the admin listener. */
final class ReadOnlySignal {
    private ReadOnlySignal() {
    }

    @SuppressWarnings("restriction")
    static void install(Registry registry, PrintWriter out) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("USR2"), signal -> {
                registry.readOnly(!registry.isReadOnly());
                out.println("Berth read-only mode " + (registry.isReadOnly() ? "on" : "off") + " (SIGUSR2)");
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            out.println("Berth: SIGUSR2 is not available here (" + e.getMessage() + "); use POST /admin/read-only");
        }
    }
}
