// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** A protocol error: the router turns it into {@code {"errors":[…]}} with its status. */
public final class RegistryException extends RuntimeException {
    private final ErrorCode code;
    private final int status;
    private final Object detail;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public RegistryException(ErrorCode code, String message) {
        this(code, code.status(), message, null);
    }

    public RegistryException(ErrorCode code, int status, String message, Object detail) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
        this.detail = detail;
    }

    public ErrorCode code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** Unstructured JSON-able data for the client, or null. */
    public Object detail() {
        return detail;
    }

    /** Adds a response header (e.g. {@code Range} on a 416). */
    public RegistryException header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    Map<String, String> headers() {
        return headers;
    }
}
