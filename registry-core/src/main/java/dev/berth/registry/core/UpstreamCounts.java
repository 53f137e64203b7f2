// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link UpstreamStats}. */
final class UpstreamCounts {
    final LongAdder manifestGets = new LongAdder();
    final LongAdder manifestHeads = new LongAdder();
    final LongAdder blobGets = new LongAdder();
    final LongAdder tokenRequests = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder staleServed = new LongAdder();
    final LongAdder hits = new LongAdder();

    UpstreamStats snapshot(String upstream) {
        return new UpstreamStats(upstream, manifestGets.sum(), manifestHeads.sum(), blobGets.sum(),
                tokenRequests.sum(), rateLimited.sum(), failures.sum(), staleServed.sum(), hits.sum());
    }
}
