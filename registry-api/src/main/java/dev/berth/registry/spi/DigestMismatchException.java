// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import java.io.IOException;

/**
 * Signal thrown by a {@link VerifyingInputStream} instead of end-of-stream when the content does
 * not hash to the expected digest ({@code DIGEST_INVALID}, 400). Backends let it propagate and
 * commit nothing.
 */
public class DigestMismatchException extends IOException {
    public DigestMismatchException(String message) {
        super(message, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
