// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.spi.PushedManifest;
import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import dev.berth.registry.api.Reference;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.ManifestHandler;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.RedirectException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** end-3 (GET/HEAD manifest), end-7 (PUT, with {@code ?tag=}), end-9 (DELETE manifest or tag). */
final class Manifests {
    private final RegistryOptions options;
    private final MirroredManifests mirrored;

    Manifests(RegistryOptions options) {
        this.options = options;
        this.mirrored = new MirroredManifests(options);
    }

    private ManifestHandler store() {
        return options.view().manifests();
    }

    void get(Exchange ex) throws IOException {
        Repository repo = ex.repository();
        Reference ref = Names.reference(ex.path("ref"));
        Digest digest;
        Manifest manifest;
        if (ex.mirror.isPresent()) {
            MirroredManifests.Served served = mirrored.serve(ex, ex.mirror.get(), ref);
            served.stale().ifPresent(why -> ex.header("Warning", "110 - \"Response is Stale: "
                    + why.replace('"', '\'') + "\""));
            digest = served.digest();
            manifest = served.manifest();
            repo = served.repository();
        } else {
            digest = ref instanceof Tag tag ? store().resolve(repo, tag) : (Digest) ref;
            manifest = store().get(repo, digest);
        }
        if (ref instanceof Tag tag) {
            checkAcceptable(ex, tag, manifest.mediaType());
        }
        ex.header("Docker-Content-Digest", digest.toString());
        ex.header("ETag", "\"" + digest + "\"");
        // before the answer, so that a client that has it knows the pull is queued for retention's pulled-within
        if (!ex.isHead() && ref instanceof Tag tag && !options.readOnly().get()) { // read-only: the storage stays as it is
            options.pulls().pulled(repo, tag);
        }
        ex.bytes(200, manifest.mediaType().value(), manifest.content());
        if (!ex.isHead()) {
            ex.emit(options, RegistryEvent.Type.MANIFEST_PULLED, repo, digest,
                    ref instanceof Tag tag ? List.of(tag.value()) : List.of(), manifest.mediaType().value(),
                    manifest.content().length);
        }
    }

    /**
     * A client that lists the types it understands, without a wildcard, does not get another
     * type by tag (as CNCF distribution answers; schema 1 conversion is not offered). By digest
     * the client named the content exactly, so it is served whatever Accept says.
     */
    static void checkAcceptable(Exchange ex, Tag tag, MediaType stored) {
        List<String> accepted = new ArrayList<>();
        for (String header : java.util.Collections.list(ex.request.getHeaders("Accept"))) {
            for (String part : header.split(",")) {
                String type = part.split(";")[0].trim();
                if (!type.isEmpty()) {
                    accepted.add(type);
                }
            }
        }
        if (accepted.isEmpty() || accepted.contains(stored.value())) {
            return;
        }
        for (String type : accepted) {
            if (type.equals("*/*") || type.equals("application/*") || type.equals("application/json")) {
                return;
            }
        }
        throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "tag " + tag + " is a " + stored
                + ", which the Accept header does not allow (" + String.join(", ", accepted) + ")");
    }

    void put(Exchange ex) throws IOException {
        Repository repo = ex.repository();
        Reference ref = Names.reference(ex.path("ref"));
        byte[] content = readLimited(ex);
        Optional<MediaType> contentType = ex.header("Content-Type").filter(s -> !s.isBlank()).map(value -> {
            try {
                return MediaType.parse(value);
            } catch (IllegalArgumentException e) {
                throw new RegistryException(ErrorCode.MANIFEST_INVALID, e.getMessage());
            }
        });
        Digest digest = ref instanceof Digest d ? Digest.of(d.algorithm(), content) : Digest.sha256(content);
        if (ref instanceof Digest expected && !expected.equals(digest)) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "manifest hashes to " + digest + ", not " + expected);
        }
        ManifestParser.Parsed parsed = ManifestParser.parse(content, contentType, digest);
        PushedManifest manifest = parsed.manifest();
        if (options.blobOverride().isPresent()) {
            // the storage never sees the override's blobs: core checks them, the storage only
            // the child manifests it holds itself
            checkDependencies(repo, parsed.dependencies());
            manifest = withBlobsExternal(manifest, parsed.dependencies());
        } else if (!options.view().externalContent()) {
            checkDependencies(repo, parsed.dependencies());
        }
        Set<Tag> tags = new LinkedHashSet<>();
        if (ref instanceof Tag tag) {
            tags.add(tag);
        }
        for (String t : ex.queryAll("tag")) {
            tags.add(Names.tag(t));
        }
        Map<Tag, String> fixed = options.immutability().immutable(repo, tags);
        if (fixed.isEmpty()) {
            store(repo, manifest, tags, parsed);
        } else { // immutable tags: checked, the manifest stored untagged, each claimed, then the rest
            options.immutability().checkPush(repo, fixed, digest);
            store(repo, manifest, Set.of(), parsed);
            options.immutability().claim(repo, fixed, manifest);
            Set<Tag> mutable = new LinkedHashSet<>(tags);
            mutable.removeAll(fixed.keySet());
            if (!mutable.isEmpty()) {
                store(repo, manifest, mutable, parsed);
            }
        }
        ex.header("Location", "/v2/" + repo + "/manifests/" + digest);
        ex.header("Docker-Content-Digest", digest.toString());
        if (options.referrers()) {
            parsed.manifest().subject().ifPresent(s -> ex.header("OCI-Subject", s.toString()));
        }
        if (ref instanceof Digest && !tags.isEmpty()) {
            ex.header("OCI-Tag", String.join(", ", tags.stream().map(Tag::value).toList()));
        }
        ex.status(201);
        ex.emit(options, RegistryEvent.Type.MANIFEST_PUSHED, repo, digest, tags.stream().map(Tag::value).toList(),
                parsed.manifest().mediaType().value(), content.length);
    }

    private void store(Repository repo, PushedManifest manifest, Set<Tag> tags, ManifestParser.Parsed parsed)
            throws IOException {
        try {
            store().put(repo, manifest, tags);
        } catch (NotFoundException e) { // manifest-put-5: a reference was collected after our check
            checkDependencies(repo, parsed.dependencies()); // names what is missing now
            throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN, 400, "manifest references content unknown to "
                    + repo + ": " + e.getMessage() + "; push it again", Map.of());
        }
    }

    private byte[] readLimited(Exchange ex) throws IOException {
        int max = options.maxManifestBytes();
        if (ex.contentLength() > max) {
            throw new RegistryException(ErrorCode.MANIFEST_INVALID, 413, "manifest of " + ex.contentLength()
                    + " bytes exceeds the limit of " + max, null);
        }
        try (InputStream in = ex.body()) {
            byte[] content = in.readNBytes(max + 1);
            if (content.length > max) {
                throw new RegistryException(ErrorCode.MANIFEST_INVALID, 413, "manifest exceeds the limit of "
                        + max + " bytes", null);
            }
            return content;
        }
    }

    /** {@code manifest} with its blob references marked external: kept if present, not required of the storage. */
    private static PushedManifest withBlobsExternal(PushedManifest manifest, List<ManifestParser.Dependency> dependencies) {
        Set<Digest> blobs = new LinkedHashSet<>(manifest.external());
        for (ManifestParser.Dependency dep : dependencies) {
            if (!dep.manifest()) {
                blobs.add(dep.digest());
            }
        }
        blobs.retainAll(manifest.references());
        return new PushedManifest(manifest.manifest(), manifest.references(), manifest.subject(),
                manifest.artifactType(), manifest.annotations(), blobs);
    }

    /**
     * A manifest may only point at blobs and manifests already in the repository
     * (MANIFEST_BLOB_UNKNOWN), with the sizes its descriptors declare (MANIFEST_INVALID).
     */
    private void checkDependencies(Repository repo, List<ManifestParser.Dependency> dependencies) throws IOException {
        List<String> missing = new ArrayList<>();
        StorageView storage = options.view();
        for (ManifestParser.Dependency dep : dependencies) {
            if (dep.external()) {
                continue; // non-distributable layer: its urls say where it lives
            }
            try {
                long stored = -1; // unknown without stat
                if (dep.manifest()) {
                    stored = store().get(repo, dep.digest()).content().length;
                } else if (storage.stat().isPresent()) {
                    stored = storage.stat().get().stat(repo, dep.digest());
                } else {
                    storage.blobs().get(repo, dep.digest()).close();
                }
                if (stored >= 0 && stored != dep.size()) {
                    throw new RegistryException(ErrorCode.MANIFEST_INVALID, dep.where() + " declares size " + dep.size()
                            + " for " + dep.digest() + ", but " + stored + " bytes are stored under that digest");
                }
            } catch (NotFoundException e) {
                missing.add(dep.digest().toString());
            } catch (RedirectException e) {
                // stored elsewhere, but stored
            }
        }
        if (!missing.isEmpty()) {
            throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN, 400, "manifest references content unknown to "
                    + repo + ": " + String.join(", ", missing), Map.of("digests", missing));
        }
    }

    void delete(Exchange ex) throws IOException {
        Repository repo = ex.repository();
        Reference ref = Names.reference(ex.path("ref"));
        if (ref instanceof Tag tag) {
            Digest pointed = store().resolve(repo, tag);
            options.immutability().checkUntag(repo, tag, pointed);
            store().untag(repo, tag);
            ex.status(202);
            ex.emit(options, RegistryEvent.Type.TAG_DELETED, repo, pointed, List.of(tag.value()), null, 0);
        } else {
            options.immutability().checkDelete(repo, (Digest) ref);
            store().delete(repo, (Digest) ref);
            ex.status(202);
            ex.emit(options, RegistryEvent.Type.MANIFEST_DELETED, repo, (Digest) ref, List.of(), null, 0);
        }
    }
}
