// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import dev.berth.registry.core.Collector;
import dev.berth.registry.server.cli.Main;
import dev.berth.registry.spi.gc.CollectionHandler;
import java.util.concurrent.CountDownLatch;

/**
 * berth.jar's server whose collector stops for good once it has claimed a blob, printing where,
 * so that a test can kill the process with the claim in place.
 */
public final class GcPausedAtClaim {
    private GcPausedAtClaim() {
    }

    public static void main(String[] args) {
        System.exit(Main.run(args, builder -> builder.checkpoint((phase, repo, kind) -> {
            if (phase == Collector.Phase.CLAIMED && kind == CollectionHandler.Kind.BLOB) {
                System.out.println("Berth gc paused at " + phase + " in " + repo);
                new CountDownLatch(1).await();
            }
        })));
    }
}
