// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Repository;
import dev.berth.registry.core.Collector;
import dev.berth.registry.core.Collector.Phase;
import dev.berth.registry.core.Collector.Report;
import dev.berth.registry.spi.gc.CollectionHandler.Kind;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A checkpoint that blocks the collector at one phase of one repository until the test resumes it. */
final class GcPause implements Collector.Checkpoint, AutoCloseable {
    /** What a test does while the collector is paused. */
    @FunctionalInterface
    interface WhilePaused {
        void run() throws Exception;
    }

    private final Phase phase;
    private final Kind kind;
    private final String repository;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch resume = new CountDownLatch(1);

    GcPause(Phase phase, Kind kind, String repository) {
        this.phase = phase;
        this.kind = kind;
        this.repository = repository;
    }

    CompletableFuture<Report> run(Collector collector) {
        CompletableFuture<Report> pass = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                pass.complete(collector.collect(false));
            } catch (Throwable t) {
                pass.completeExceptionally(t);
            }
        }, "tck-gc");
        thread.setDaemon(true);
        thread.start();
        return pass;
    }

    @Override
    public void reached(Phase p, Repository repo, Kind k) throws InterruptedException {
        if (p == phase && k == kind && repo.name().equals(repository) && reached.getCount() > 0) {
            reached.countDown();
            if (!resume.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never resumed the collector at " + phase);
            }
        }
    }

    void awaitReached() throws InterruptedException {
        assertTrue(reached.await(30, TimeUnit.SECONDS), "the collector never reached " + phase + " " + kind
                + " in " + repository + ": does the backend list the pushed items in CollectionHandler.blobs()"
                + " / manifests()?");
    }

    void resume() {
        resume.countDown();
    }

    @Override
    public void close() {
        resume.countDown();
    }
}
