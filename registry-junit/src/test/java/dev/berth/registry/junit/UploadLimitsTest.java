// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.api.Digest;
import dev.berth.registry.core.Registry;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-client session limit locks out neither one-request pushes nor a client that walked away. */
class UploadLimitsTest {
    private static final Duration IDLE = Duration.ofSeconds(2);

    private static String open(TestRegistry registry) throws Exception {
        HttpResponse<byte[]> r = Requests.send(registry, "POST", "/v2/limits/app/blobs/uploads/", null);
        assertEquals(202, r.statusCode(), Requests.text(r));
        return r.headers().firstValue("Location").orElseThrow();
    }

    @Test
    @DisplayName("at the limit: 429 with a true Retry-After; POST ?digest= still works; busy sessions keep counting, idle ones stop")
    void limitCountsActiveSessionsOnly() throws Exception {
        Registry built = Registry.builder().maxUploadSessionsPerClient(3).uploadSessionIdle(IDLE).build();
        try (TestRegistry registry = TestRegistry.start(built)) {
            List<String> sessions = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sessions.add(open(registry));
            }
            HttpResponse<byte[]> refused = Requests.send(registry, "POST", "/v2/limits/app/blobs/uploads/", null);
            assertEquals(429, refused.statusCode());
            assertTrue(Requests.text(refused).contains("TOOMANYREQUESTS"), Requests.text(refused));
            long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= IDLE.toSeconds(), "a slot frees once a session idles: " + retryAfter);

            Digest single = Requests.pushBlob(registry, "limits/app", new byte[] {1, 2, 3}); // one request, no session left
            assertEquals(200, Requests.send(registry, "HEAD", "/v2/limits/app/blobs/" + single, null).statusCode());

            long[] sizes = new long[3];
            for (int round = 0; round < 6; round++) { // 3 s of use, a request to each session every 0.5 s
                for (int s = 0; s < 3; s++) {
                    HttpResponse<byte[]> patch = Requests.send(registry, "PATCH", sessions.get(s), new byte[] {7},
                            "Content-Range", sizes[s] + "-" + sizes[s]);
                    assertEquals(202, patch.statusCode(), Requests.text(patch));
                    sizes[s]++;
                }
                Thread.sleep(500);
            }
            assertEquals(429, Requests.send(registry, "POST", "/v2/limits/app/blobs/uploads/", null).statusCode(),
                    "sessions kept busy past the idle time still count");

            Thread.sleep(IDLE.toMillis() + 1000); // the client walks away from its sessions
            String fourth = open(registry);
            assertTrue(fourth.contains("/blobs/uploads/"), "idle sessions gave way");
            HttpResponse<byte[]> resumed = Requests.send(registry, "GET", sessions.get(0), null);
            assertEquals(204, resumed.statusCode(), "an idle session is still usable");
        }
    }
}
