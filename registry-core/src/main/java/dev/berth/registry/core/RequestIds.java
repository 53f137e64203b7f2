// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.SecureRandom;
import java.util.Base64;

/** Gives every request an id, echoed as {@code X-Request-Id} and kept for the host's access log. */
final class RequestIds {
    private static final SecureRandom IDS = new SecureRandom();

    private RequestIds() {
    }

    /** The client's X-Request-Id when it is a sane token, else a fresh one. */
    static void assign(HttpServletRequest request, HttpServletResponse response) {
        String given = request.getHeader("X-Request-Id");
        String id = given != null && given.matches("[A-Za-z0-9._:-]{1,64}") ? given : fresh();
        request.setAttribute(Router.REQUEST_ID, id);
        response.setHeader("X-Request-Id", id);
    }

    private static String fresh() {
        byte[] id = new byte[12];
        IDS.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }
}
