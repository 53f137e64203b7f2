// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.core.testing.Fault;
import dev.berth.registry.core.testing.Journal;
import dev.berth.registry.core.testing.Warnings;
import dev.berth.registry.spi.BlobHandler;
import dev.berth.registry.spi.Storage;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The OCI distribution API as a Jakarta servlet, to mount at a site root in any servlet
 * container: the Java counterpart of go-containerregistry's {@code registry.New(opts...)}.
 *
 * <pre>{@code
 * Registry registry = Registry.builder()
 *         .storage(StorageProvider.named("memory").open(StorageConfig.empty()))
 *         .build();
 * }</pre>
 */
public final class Registry extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient RegistryOptions options;
    private final transient Router router;
    private final transient Uploads uploads;

    private Registry(RegistryOptions options) {
        this.options = options;
        this.uploads = new Uploads(options);
        this.router = new Router(options, new Blobs(options), uploads, new Manifests(options), new Listings(options));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Switches read-only mode at run time: pulls go on, pushes and deletes get 405 UNSUPPORTED, GC waits. */
    public void readOnly(boolean readOnly) {
        options.readOnly().set(readOnly);
    }

    public boolean isReadOnly() {
        return options.readOnly().get();
    }

    /** Upload sessions this process has open (started, neither committed nor cancelled). */
    public int openUploadSessions() {
        return uploads.openSessions();
    }

    /** The storage this registry serves. */
    public Storage storage() {
        return options.storage();
    }

    /** Cancels upload sessions idle past the configured expiry; returns how many. Hosts call it periodically. */
    public int expireUploads(Instant now) throws IOException {
        return uploads.expire(now.minus(options.uploadExpiry()));
    }

    /** The configured idle time after which upload sessions are cancelled. */
    public Duration uploadExpiry() {
        return options.uploadExpiry();
    }

    /** What each quota's repositories use now, measured from the storage (a walk of the catalog). */
    public List<Quota.Use> quotaUse() throws IOException {
        return options.quotas().report();
    }

    /** What the mirror asked of each {@link Upstream} and served from its cache; empty without upstreams. */
    public List<UpstreamStats> upstreamStats() {
        return options.mirrors().stats();
    }

    /** The ids of the routes, as {@link Fault}s and the {@link Journal} name them: {@code end-1} … {@code end-14}, {@code catalog}. */
    public static List<String> routeIds() {
        return RouteTable.ROWS.stream().map(RouteTable.Row::id).toList();
    }

    RegistryOptions options() {
        return options;
    }

    /** The request journal, when the builder enabled it. */
    public Journal journal() {
        return options.journal().orElseThrow(() -> new IllegalStateException(
                "the journal is off: enable it with Registry.builder().journal()"));
    }

    /** The container stops the servlet: waiting pull times are written, the mirror's threads end and its spool goes. */
    @Override
    public void destroy() {
        options.pulls().close(Duration.ofSeconds(30));
        options.mirrors().close();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        router.service(request, response);
    }

    /** Go's options, in Java. None is required: without {@link Builder#storage} it is in memory. */
    public static final class Builder {
        private Storage storage;
        private StorageObserver storageObserver;
        private BlobHandler blobOverride;
        private Logger logger = System.getLogger("dev.berth.registry");
        private Logger.Level requestLevel = Logger.Level.DEBUG;
        private Warnings warnings = Warnings.NONE;
        private boolean referrers = true;
        private boolean automaticCrossMount = true;
        private int maxManifestBytes = 4 * 1024 * 1024;
        private Duration uploadExpiry = Duration.ofHours(24);
        private Journal journal;
        private final List<Fault> faults = new ArrayList<>();
        private AccessControl access;
        private int maxUploadSessionsPerClient = 100;
        private Duration uploadSessionIdle = Duration.ofMinutes(5);
        private java.util.function.Consumer<RegistryEvent> events = e -> { };
        private boolean readOnly;
        private final List<ImmutableTags> immutableTags = new ArrayList<>();
        private Quotas quotas = Quotas.NONE;
        private final List<Upstream> upstreams = new ArrayList<>();

        private Builder() {
        }

        /** Where everything is stored; in memory when not set. */
        public Builder storage(Storage storage) {
            this.storage = Objects.requireNonNull(storage, "storage");
            return this;
        }

        /** Serves and stores blobs through {@code handler}, its capabilities found by {@code instanceof} (Go's {@code WithBlobHandler}). */
        public Builder blobHandler(BlobHandler handler) {
            this.blobOverride = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /** Where requests are logged at INFO and errors at ERROR (Go's {@code Logger}); default {@code dev.berth.registry}. */
        public Builder logger(Logger logger) {
            this.logger = Objects.requireNonNull(logger, "logger");
            this.requestLevel = Logger.Level.INFO;
            return this;
        }

        /** Where every request (method, path, status, time) and error (with its stack trace) is logged as a line: {@code .logger(System.out::println)}. */
        public Builder logger(java.util.function.Consumer<String> lines) {
            Objects.requireNonNull(lines, "lines");
            return logger(new LineLogger(lines));
        }

        /** Adds {@code Warning: 299 - "text"} to responses with this probability (Go's {@code WithWarning}). */
        public Builder warning(double probability, String text) {
            this.warnings = new Warnings(probability, Objects.requireNonNull(text, "text"));
            return this;
        }

        /** Serves the referrers API (end-12) and answers {@code OCI-Subject}; on by default. */
        public Builder referrers(boolean enabled) {
            this.referrers = enabled;
            return this;
        }

        /**
         * Whether {@code mount=} without {@code from=} mounts the blob from a repository that holds
         * it and the caller may pull, found through the backend's
         * {@link dev.berth.registry.spi.BlobLocateHandler}; on by default. Off, or on a backend
         * without that capability, such a request starts an upload (202).
         */
        public Builder automaticCrossMount(boolean enabled) {
            this.automaticCrossMount = enabled;
            return this;
        }

        /** Largest manifest accepted (413 above); the spec asks for at least 4 MiB, the default. */
        public Builder maxManifestBytes(int bytes) {
            if (bytes < 4096) {
                throw new IllegalArgumentException("maxManifestBytes below 4096: " + bytes);
            }
            this.maxManifestBytes = bytes;
            return this;
        }

        /** Idle time after which {@link #expireUploads} cancels an upload session; 24 h by default. */
        public Builder uploadExpiry(Duration expiry) {
            this.uploadExpiry = positive(expiry, "uploadExpiry");
            return this;
        }

        /** Records every request in a {@link Journal} that tests query with {@link Registry#journal()}. */
        public Builder journal() {
            this.journal = new Journal();
            return this;
        }

        /** Injects a misbehaviour for testing clients; the first matching fault applies. */
        public Builder fault(Fault fault) {
            faults.add(Objects.requireNonNull(fault, "fault"));
            return this;
        }

        /** Authenticates and authorizes every request (see {@link AccessControl}); without it everything is allowed. */
        public Builder access(AccessControl access) {
            this.access = Objects.requireNonNull(access, "access");
            return this;
        }

        /**
         * Most upload sessions in use one client (user, or address when anonymous) may hold; more
         * get {@code 429 TOOMANYREQUESTS} with a {@code Retry-After} saying when one goes idle.
         * 100 by default: clients push a few layers at a time. A push in one request ({@code POST
         * ?digest=}) leaves no session open and is never refused for this.
         */
        public Builder maxUploadSessionsPerClient(int sessions) {
            if (sessions < 1) {
                throw new IllegalArgumentException("maxUploadSessionsPerClient must be positive: " + sessions);
            }
            this.maxUploadSessionsPerClient = sessions;
            return this;
        }

        /** Idle time after which an upload session stops counting against {@link #maxUploadSessionsPerClient}; 5 min. */
        public Builder uploadSessionIdle(Duration idle) {
            this.uploadSessionIdle = positive(idle, "uploadSessionIdle");
            return this;
        }

        /** Gets an event per manifest push, pull (GET) and delete, on the request thread: it must not block. */
        public Builder events(java.util.function.Consumer<RegistryEvent> listener) {
            this.events = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Tells {@code observer} of every storage call: operation, duration, outcome (metrics, tracing). */
        public Builder observeStorage(StorageObserver observer) {
            this.storageObserver = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /** Makes tags immutable, e.g. {@code ImmutableTags.matching("release/**", "v*")}: see {@link ImmutableTags}. Calls add up. */
        public Builder immutableTags(ImmutableTags rules) {
            immutableTags.add(Objects.requireNonNull(rules, "rules"));
            return this;
        }

        /** Limits the bytes of blobs in repositories, e.g. {@code Quotas.of(Quota.perRepository("team", "team/**", 1L << 30))}. */
        public Builder quotas(Quotas quotas) {
            this.quotas = Objects.requireNonNull(quotas, "quotas");
            return this;
        }

        /** Mirrors {@code upstream}: a pull-through cache of it under its name (see {@link Upstream}). Calls add up. */
        public Builder mirror(Upstream upstream) {
            upstreams.add(Objects.requireNonNull(upstream, "upstream"));
            return this;
        }

        /** Starts in read-only mode (see {@link Registry#readOnly(boolean)}). */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        private static Duration positive(Duration d, String name) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }

        /** The registry; without {@link #storage} in memory (Go's {@code registry.New()}), which needs {@code storage-memory}. */
        public Registry build() {
            if (storage == null) {
                storage = RegistryOptions.inMemory();
            }
            StorageView view = StorageView.of(storage, blobOverride != null ? blobOverride : storage.blobs(),
                    Optional.ofNullable(storageObserver));
            return new Registry(new RegistryOptions(storage, view, Optional.ofNullable(blobOverride), logger, requestLevel,
                    warnings, referrers, automaticCrossMount, maxManifestBytes,
                    uploadExpiry, Optional.ofNullable(journal), List.copyOf(faults), Optional.ofNullable(access),
                    maxUploadSessionsPerClient, uploadSessionIdle, events, new java.util.concurrent.atomic.AtomicBoolean(readOnly),
                    new Immutability(ImmutableTags.firstOf(immutableTags), view), new QuotaAccounting(quotas, view, blobOverride != null),
                    new PullRecorder(view.pulls(), logger), upstreams.isEmpty() ? Mirrors.NONE : new Mirrors(upstreams),
                    new SharedMirrorState(view.mirrorState(), logger)));
        }
    }
}
