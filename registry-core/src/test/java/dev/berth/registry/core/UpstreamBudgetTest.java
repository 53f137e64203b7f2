// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What an upstream is spared: a request that would wait past its timeout is refused as rate limited. */
class UpstreamBudgetTest {
    private static final Upstream UP = Upstream.of("up", URI.create("http://127.0.0.1:1")).timeout(Duration.ofMillis(100));

    @Test
    void concurrencyCap() throws Exception {
        UpstreamBudget budget = new UpstreamBudget(UP.maxConcurrent(1));
        budget.acquire();
        UpstreamException refused = assertThrows(UpstreamException.class, budget::acquire);
        assertEquals(UpstreamException.Kind.RATE_LIMITED, refused.kind);
        budget.release();
        budget.acquire(); // the slot is back
    }

    @Test
    void requestsPerSecondCap() throws Exception {
        // one request a second, one at a time: the next start is 1 s away, past the 100 ms timeout
        UpstreamBudget budget = new UpstreamBudget(UP.maxRequestsPerSecond(1).maxConcurrent(1));
        budget.acquire();
        budget.release();
        for (int i = 0; i < 2; i++) { // the second refusal is the rate's too: the first gave its slot back
            UpstreamException refused = assertThrows(UpstreamException.class, budget::acquire);
            assertEquals(UpstreamException.Kind.RATE_LIMITED, refused.kind);
            assertTrue(refused.getMessage().contains("requests per second"), refused.getMessage());
        }
    }

    @Test
    void retryAfterQuietsEveryRequest() {
        UpstreamBudget budget = new UpstreamBudget(UP);
        budget.quiet(UpstreamBudget.retryAfter(Optional.of("120")));
        UpstreamException refused = assertThrows(UpstreamException.class, budget::acquire);
        assertTrue(refused.retryAfter.orElseThrow().toSeconds() > 100, refused.getMessage());
        assertEquals(Duration.ofSeconds(1), UpstreamBudget.retryAfter(Optional.of("soon")), "unreadable: a second");
        assertTrue(UpstreamBudget.retryAfter(Optional.of(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusMinutes(5)))).toSeconds() > 200,
                "an HTTP date");
    }
}
