// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import java.io.IOException;

/**
 * Signal thrown by a {@link VerifyingInputStream} when the content is longer or shorter than the
 * declared size ({@code SIZE_INVALID}, 400). Backends let it propagate and commit nothing.
 */
public class SizeMismatchException extends IOException {
    public SizeMismatchException(String message) {
        super(message, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
