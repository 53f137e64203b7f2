// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

/**
 * What a mirror asked of one {@link Upstream} and answered from its cache, since start.
 *
 * @param manifestGets   manifest GETs sent upstream (what Docker Hub counts as pulls)
 * @param manifestHeads  manifest HEADs sent upstream (freshness checks)
 * @param blobGets       blob GETs sent upstream: one per digest however many clients ask at once
 * @param tokenRequests  requests to its token realm
 * @param rateLimited    answers of 429 from it
 * @param failures       other failed requests (5xx, timeouts, refused connections, denials)
 * @param staleServed    cached manifests served because the upstream could not be asked
 * @param hits           manifest and blob requests answered from the cache, or from a download in progress, without asking it
 */
public record UpstreamStats(String upstream, long manifestGets, long manifestHeads, long blobGets, long tokenRequests,
                            long rateLimited, long failures, long staleServed, long hits) {
}
