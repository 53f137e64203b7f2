// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

import java.io.IOException;

/** Signal: the blob, manifest, tag, upload or repository does not exist (404 in the protocol). */
public class NotFoundException extends IOException {
    public NotFoundException(String message) {
        super(message, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // a signal, not a failure: stack traces would cost on every 404
    }
}
