// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.core.testing.Journal;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/** What happened to one request, written when it ends: the request log line and, when on, the journal entry. */
final class RequestRecord {
    private final RegistryOptions options;
    private final HttpServletRequest request;
    private final long started = System.nanoTime();
    private final long journalId;
    private long bytesIn;

    RequestRecord(RegistryOptions options, HttpServletRequest original) {
        this.options = options;
        // the journal counts body bytes; without it the request is not wrapped at all
        this.request = options.journal().isPresent() ? new MeteredRequest(original, n -> bytesIn += n) : original;
        this.journalId = options.journal().map(Journal::begin).orElse(0L);
    }

    /** The request to serve: the original, or one that counts its body for the journal. */
    HttpServletRequest request() {
        return request;
    }

    void end(Dispatch dispatch, Journal.Outcome outcome) {
        int status = outcome == Journal.Outcome.DROPPED ? 0 : dispatch.response.getStatus();
        options.logger().log(options.requestLevel(), () -> request.getMethod() + " " + request.getRequestURI()
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString()) + " " + status + " "
                + (System.nanoTime() - started) / 1_000_000 + "ms"
                + (dispatch.caller == null ? "" : " user=" + dispatch.caller));
        options.journal().ifPresent(journal -> journal.record(journalId, new Journal.Entry(request.getMethod(),
                request.getRequestURI(), Optional.ofNullable(request.getQueryString()).orElse(""), dispatch.routeId(),
                dispatch.repository(), dispatch.reference(), status, bytesIn,
                Optional.ofNullable(request.getHeader("Content-Range")), outcome)));
    }
}
