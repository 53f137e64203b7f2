// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.spi;

/**
 * Capability of a {@link ManifestHandler}: the content of its repositories arrives out of band
 * (a cache, a mirror), so core does not refuse a manifest whose blobs or child manifests are not
 * in the repository ({@code MANIFEST_BLOB_UNKNOWN}); without it, core does.
 */
public interface ExternalContent extends ManifestHandler {
}
