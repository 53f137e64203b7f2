// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.core.StorageObserver.Outcome;
import dev.berth.registry.spi.DigestMismatchException;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.RedirectException;
import dev.berth.registry.spi.SizeMismatchException;
import java.io.IOException;

/** Times storage calls and tells the observer how each ended. */
final class ObservedCalls {
    interface Call<T> {
        T call() throws IOException;
    }

    interface Action {
        void run() throws IOException;
    }

    private final StorageObserver observer;

    ObservedCalls(StorageObserver observer) {
        this.observer = observer;
    }

    <T> T time(String operation, Call<T> call) throws IOException {
        long start = System.nanoTime();
        Outcome outcome = Outcome.ERROR;
        try {
            T result = call.call();
            outcome = Outcome.OK;
            return result;
        } catch (NotFoundException e) {
            outcome = Outcome.NOT_FOUND;
            throw e;
        } catch (DigestMismatchException | SizeMismatchException | RedirectException e) {
            outcome = Outcome.SIGNAL;
            throw e;
        } finally {
            observer.completed(operation, System.nanoTime() - start, outcome);
        }
    }

    void run(String operation, Action action) throws IOException {
        time(operation, () -> {
            action.run();
            return null;
        });
    }
}
