// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import dev.berth.registry.api.Reference;
import dev.berth.registry.api.Repository;
import dev.berth.registry.api.Tag;
import dev.berth.registry.spi.Manifest;
import dev.berth.registry.spi.NotFoundException;
import dev.berth.registry.spi.PushedManifest;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * end-3 in a mirrored repository. A digest held locally never goes upstream; a tag is checked
 * with a HEAD at most once per {@link Upstream#freshFor} per server, and when the upstream cannot
 * be asked (429, 5xx, timeout, denied) the cached copy is served with a {@code Warning}. What
 * the upstream sends is stored byte for byte, never converted, and concurrent requests for one
 * reference share one upstream request. With a storage that shares mirror state, a check by any
 * node of the storage counts for all of them.
 */
final class MirroredManifests {
    private static final int REMEMBERED = 100_000;

    /** A manifest to serve, the repository holding it, and, when the upstream could not be asked, why it may be stale. */
    record Served(Repository repository, Digest digest, Manifest manifest, Optional<String> stale) {
    }

    private record Key(Repository repo, String reference) {
    }

    private final RegistryOptions options;
    private final SharedMirrorState shared;
    private final Map<Key, CompletableFuture<Served>> inFlight = new ConcurrentHashMap<>();
    private final Map<Key, Long> checked = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Long> eldest) {
            return size() > REMEMBERED;
        }
    };

    MirroredManifests(RegistryOptions options) {
        this.options = options;
        this.shared = options.mirrorState();
    }

    /** What to serve for {@code ref}; for a plain name, what the registry holds under it comes first. */
    Served serve(Exchange ex, MirrorTarget target, Reference ref) throws IOException {
        if (target.mode() == MirrorTarget.Mode.DEFAULT) {
            Optional<Served> pushed = stored(ex.repository(), ref);
            if (pushed.isPresent()) {
                return pushed.get();
            }
        }
        if (!target.allowed()) {
            throw target.notMirrored(target.remote());
        }
        if (ref instanceof Tag tag && !target.tagAllowed(tag)) {
            throw target.notMirrored(target.remote() + ":" + tag);
        }
        Optional<Served> cached = stored(target.local(), ref);
        if (cached.isPresent() && (ref instanceof Digest || isFresh(target, (Tag) ref))) {
            target.client().counts.hits.increment();
            if (ref instanceof Digest) {
                touch(target, cached.get());
            }
            return cached.get();
        }
        Key key = new Key(target.local(), ref.toString());
        CompletableFuture<Served> mine = new CompletableFuture<>();
        CompletableFuture<Served> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return await(running, target);
        }
        try {
            Served served = ref instanceof Tag tag ? refresh(target, tag, cached) : fetch(target, ref);
            mine.complete(served);
            return served;
        } catch (IOException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private Served await(CompletableFuture<Served> running, MirrorTarget target) throws IOException {
        try {
            return running.get(target.upstream().timeout().toMillis() * 3, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "no answer in time", e)
                    .toClient(ErrorCode.MANIFEST_UNKNOWN, "manifest");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for the upstream");
        }
    }

    /** Asks the upstream whether {@code tag} still names the cached manifest; fetches it when not or when none is cached. */
    private Served refresh(MirrorTarget target, Tag tag, Optional<Served> cached) throws IOException {
        try {
            if (cached.isPresent()) {
                Optional<String> current;
                try (UpstreamClient.Answer head = target.client().manifest("HEAD", target.remote(), tag.value())) {
                    current = head.header("Docker-Content-Digest");
                }
                if (current.isPresent() && current.get().equals(cached.get().digest().toString())) {
                    markChecked(target, tag);
                    return cached.get();
                }
            }
            Served fetched = fetch(target, tag);
            markChecked(target, tag);
            return fetched;
        } catch (UpstreamException e) {
            if (cached.isPresent() && e.cachedCopyMayStandIn()) {
                target.client().counts.staleServed.increment();
                return new Served(cached.get().repository(), cached.get().digest(), cached.get().manifest(),
                        Optional.of(e.getMessage()));
            }
            throw e.toClient(ErrorCode.MANIFEST_UNKNOWN, "manifest " + target.remote() + ":" + tag);
        }
    }

    private Served fetch(MirrorTarget target, Reference ref) throws IOException {
        byte[] content;
        Optional<String> type;
        try (UpstreamClient.Answer answer = target.client().manifest("GET", target.remote(), ref.toString())) {
            type = answer.header("Content-Type");
            content = readLimited(answer.body(), target);
        } catch (UpstreamException e) {
            if (ref instanceof Tag) {
                throw e; // refresh decides whether a cached copy stands in
            }
            throw e.toClient(ErrorCode.MANIFEST_UNKNOWN, "manifest " + target.remote() + "@" + ref);
        }
        Digest digest = ref instanceof Digest asked ? Digest.of(asked.algorithm(), content) : Digest.sha256(content);
        if (ref instanceof Digest asked && !asked.equals(digest)) {
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "upstream " + target.upstream().name()
                    + " sent content hashing to " + digest + " for " + asked, Optional.empty())
                    .toClient(ErrorCode.MANIFEST_UNKNOWN, "manifest");
        }
        ManifestParser.Parsed parsed;
        try {
            parsed = ManifestParser.parse(content, type.filter(t -> !t.isBlank()).map(MediaType::parse), digest);
        } catch (RegistryException | IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.UNKNOWN, 502, "upstream " + target.upstream().name()
                    + " sent a manifest this registry cannot store: " + e.getMessage(), null);
        }
        if (!options.readOnly().get()) {
            options.view().manifests().put(target.local(), lazy(parsed.manifest()),
                    ref instanceof Tag tag ? Set.of(tag) : Set.of());
        }
        return new Served(target.local(), digest, parsed.manifest().manifest(), Optional.empty());
    }

    /** {@code manifest} with every reference external: fetched when a client asks for it, so none is required yet. */
    private static PushedManifest lazy(PushedManifest manifest) {
        return new PushedManifest(manifest.manifest(), manifest.references(), manifest.subject(),
                manifest.artifactType(), manifest.annotations(), manifest.references());
    }

    private byte[] readLimited(InputStream in, MirrorTarget target) throws IOException {
        byte[] content = in.readNBytes(options.maxManifestBytes() + 1);
        if (content.length > options.maxManifestBytes()) {
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "upstream " + target.upstream().name()
                    + " sent a manifest over " + options.maxManifestBytes() + " bytes", Optional.empty());
        }
        return content;
    }

    private Optional<Served> stored(Repository repo, Reference ref) throws IOException {
        try {
            Digest digest = ref instanceof Tag tag ? options.view().manifests().resolve(repo, tag) : (Digest) ref;
            return Optional.of(new Served(repo, digest, options.view().manifests().get(repo, digest), Optional.empty()));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * A hit by digest keeps the manifest from expiring: it is stored again (the same bytes, which
     * renews what the collector's untagged-after counts from), at most once per hour and manifest.
     */
    private void touch(MirrorTarget target, Served cached) {
        Key key = new Key(target.local(), cached.digest().toString());
        long now = System.currentTimeMillis();
        synchronized (checked) {
            Long last = checked.get(key);
            if (options.readOnly().get() || last != null && now - last < PullRecorder.RESOLUTION.toMillis()) {
                return;
            }
            checked.put(key, now);
        }
        try {
            options.view().manifests().put(target.local(), lazy(ManifestParser.parse(cached.manifest().content(),
                    Optional.of(cached.manifest().mediaType()), cached.digest()).manifest()), Set.of());
        } catch (IOException | RuntimeException e) {
            options.logger().log(System.Logger.Level.WARNING, "mirror: could not renew " + cached.digest() + " in "
                    + target.local() + ": " + e.getMessage());
        }
    }

    /** Checked within the interval by this node, or else, as the shared state says, by another. */
    private boolean isFresh(MirrorTarget target, Tag tag) {
        Key key = new Key(target.local(), tag.value());
        long freshFor = target.upstream().freshFor().toMillis();
        synchronized (checked) {
            Long at = checked.get(key);
            if (at != null && System.currentTimeMillis() - at < freshFor) {
                return true;
            }
        }
        Optional<Long> elsewhere = shared.lastCheck(target.local(), tag).map(java.time.Instant::toEpochMilli)
                .filter(at -> System.currentTimeMillis() - at < freshFor);
        elsewhere.ifPresent(at -> {
            synchronized (checked) {
                checked.merge(key, at, Math::max);
            }
        });
        return elsewhere.isPresent();
    }

    private void markChecked(MirrorTarget target, Tag tag) {
        long now = System.currentTimeMillis();
        synchronized (checked) {
            checked.put(new Key(target.local(), tag.value()), now);
        }
        shared.recordCheck(target.local(), tag, java.time.Instant.ofEpochMilli(now));
    }
}
