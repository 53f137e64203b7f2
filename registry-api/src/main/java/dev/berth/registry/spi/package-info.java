// SPDX-License-Identifier: Apache-2.0
/**
 * What a storage backend implements. A {@link dev.berth.registry.spi.StorageProvider}, registered
 * with {@code @AutoService(StorageProvider.class)}, opens a {@link dev.berth.registry.spi.Storage},
 * which hands out a {@link dev.berth.registry.spi.BlobHandler}, a
 * {@link dev.berth.registry.spi.ManifestHandler} and an {@link dev.berth.registry.spi.UploadHandler}.
 *
 * <p>Every optional capability is an interface; core asks with {@code instanceof}, and the
 * storage TCK skips the checks of a capability a backend lacks:
 * <table>
 * <caption>Capabilities</caption>
 * <tr><th>interface</th><th>on</th><th>what it adds</th></tr>
 * <tr><td>{@link dev.berth.registry.spi.BlobStatHandler}</td><td>BlobHandler</td><td>a blob's size without reading it</td></tr>
 * <tr><td>{@link dev.berth.registry.spi.BlobPutHandler}</td><td>BlobHandler</td><td>storing a blob from one stream (single-request pushes)</td></tr>
 * <tr><td>{@link dev.berth.registry.spi.BlobDeleteHandler}</td><td>BlobHandler</td><td>deleting a blob from a repository</td></tr>
 * <tr><td>{@link dev.berth.registry.spi.BlobMountHandler}</td><td>BlobHandler</td><td>cross-repository mounts</td></tr>
 * <tr><td>{@link dev.berth.registry.spi.BlobLocateHandler}</td><td>BlobHandler</td><td>which repositories hold a blob: mounts without {@code from}</td></tr>
 * <tr><td>{@link dev.berth.registry.spi.PartSizedUploads}</td><td>UploadHandler</td><td>a chunk size clients are asked to reach</td></tr>
 * <tr><td>{@link dev.berth.registry.spi.TagClaimHandler}</td><td>ManifestHandler</td><td>tags created only where none exists, and removed only while they name a given manifest, atomically: immutable tags, retention</td></tr>
 * <tr><td>{@link dev.berth.registry.spi.TagPullsHandler}</td><td>ManifestHandler</td><td>when tags were last pulled: retention's pulled-within</td></tr>
 * <tr><td>{@link dev.berth.registry.spi.ExternalContent}</td><td>ManifestHandler</td><td>manifests whose blobs arrive out of band</td></tr>
 * <tr><td>{@link dev.berth.registry.spi.MirrorStateStorage}</td><td>Storage</td><td>the pull-through cache's tag checks and fetch leases, shared by every node of the storage</td></tr>
 * <tr><td>{@link dev.berth.registry.spi.gc.CollectableStorage}</td><td>Storage</td><td>online garbage collection ({@code spi.gc})</td></tr>
 * <tr><td>{@link dev.berth.registry.spi.DeclaredSettings}</td><td>StorageProvider</td><td>the settings {@code open} reads: others are refused, naming the closest</td></tr>
 * </table>
 *
 * <p>Quotas are core's alone: they measure {@link dev.berth.registry.spi.gc.CollectionHandler#blobs}'
 * {@code Item.size}, so a backend provides nothing more for them than its collection handler.
 *
 * <p>Contract clauses carry ids ({@code get-2}, {@code put-2}, {@code tags-1}, {@code gc-rescue},
 * {@code durable-1}, …) that the TCK's check names cite.
 */
package dev.berth.registry.spi;
