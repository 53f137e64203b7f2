// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import dev.berth.registry.api.MediaType;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Talks the distribution protocol to one upstream within its {@link UpstreamBudget}, logged in
 * by {@link UpstreamAuth}, following redirects itself so that credentials never follow one to
 * another host (Docker Hub sends blobs to a CDN). A read that waits longer than the upstream's
 * timeout fails, so a stalled upstream never holds a download forever.
 */
final class UpstreamClient {
    /** Every manifest type Berth stores, so the upstream answers with what it has, unconverted. */
    static final String MANIFEST_TYPES = String.join(", ", MediaType.OCI_INDEX.value(), MediaType.OCI_MANIFEST.value(),
            MediaType.DOCKER_MANIFEST_LIST.value(), MediaType.DOCKER_MANIFEST.value());
    private static final int MAX_REDIRECTS = 5;

    final Upstream upstream;
    final UpstreamCounts counts = new UpstreamCounts();
    /** Its allow-lists, compiled once: repositories as the upstream names them, and tags. */
    final java.util.function.Predicate<dev.berth.registry.api.Repository> mirrors;
    final java.util.function.Predicate<dev.berth.registry.api.Tag> mirrorsTag;
    private final UpstreamAuth auth;
    private final UpstreamBudget budget;

    UpstreamClient(Upstream upstream) {
        this.upstream = upstream;
        this.mirrors = Globs.repositories(upstream.repositories());
        this.mirrorsTag = Globs.tags(upstream.tags());
        this.auth = new UpstreamAuth(upstream, counts);
        this.budget = new UpstreamBudget(upstream);
    }

    /** An upstream answer of 2xx; closing it (or its body) gives back the budget's slot. */
    record Answer(UpstreamHttp.Response response, InputStream body) implements AutoCloseable {
        Optional<String> header(String name) {
            return response.header(name);
        }

        long contentLength() {
            return response.contentLength();
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    Answer manifest(String method, String repository, String reference) throws IOException {
        (method.equals("HEAD") ? counts.manifestHeads : counts.manifestGets).increment();
        return send(method, "/v2/" + repository + "/manifests/" + reference, repository, MANIFEST_TYPES);
    }

    Answer blob(String method, String repository, Digest digest) throws IOException {
        if (method.equals("GET")) {
            counts.blobGets.increment();
        }
        return send(method, "/v2/" + repository + "/blobs/" + digest, repository, "*/*");
    }

    /** The upstream's referrers of {@code subject}, filtered by {@code artifactType} if given. */
    Answer referrers(String repository, Digest subject, java.util.Optional<String> artifactType) throws IOException {
        String query = artifactType.map(t -> "?artifactType=" + java.net.URLEncoder.encode(t,
                java.nio.charset.StandardCharsets.UTF_8)).orElse("");
        return send("GET", "/v2/" + repository + "/referrers/" + subject + query, repository,
                "application/vnd.oci.image.index.v1+json");
    }

    private Answer send(String method, String path, String repository, String accept) throws IOException {
        String scope = "repository:" + repository + ":pull";
        budget.acquire();
        boolean handedOver = false;
        try {
            URI uri = URI.create(upstream.url().toString().replaceAll("/+$", "") + path);
            UpstreamHttp.Response response = UpstreamHttp.exchange(upstream, method, uri, accept, auth.header(scope));
            if (response.status() == 401 && auth.challenged(response.header("WWW-Authenticate"), scope)) {
                response.discard();
                response = UpstreamHttp.exchange(upstream, method, uri, accept, auth.header(scope));
            }
            for (int hops = 0; isRedirect(response.status()) && hops < MAX_REDIRECTS; hops++) {
                response.discard();
                URI next = uri.resolve(response.header("Location").orElseThrow(() ->
                        new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "a redirect without Location",
                                Optional.empty())));
                uri = next;
                // judged against the upstream itself, not the last hop: a foreign host's own redirects get none either
                response = UpstreamHttp.exchange(upstream, method, uri, accept, isUpstream(uri) ? auth.header(scope)
                        : Optional.empty());
            }
            int status = response.status();
            if (status >= 200 && status < 300) {
                handedOver = true;
                return new Answer(response, new CountedBody(response.body()));
            }
            response.discard();
            throw refusal(status, response, method + " " + path);
        } catch (UpstreamException e) {
            if (e.kind != UpstreamException.Kind.NOT_FOUND) {
                (e.kind == UpstreamException.Kind.RATE_LIMITED ? counts.rateLimited : counts.failures).increment();
            }
            throw e;
        } catch (java.net.SocketTimeoutException e) {
            counts.failures.increment();
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "no answer within "
                    + upstream.timeout().toSeconds() + " s", e);
        } catch (IOException e) {
            counts.failures.increment();
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, e.toString(), e);
        } finally {
            if (!handedOver) {
                budget.release();
            }
        }
    }

    private UpstreamException refusal(int status, UpstreamHttp.Response response, String what) {
        String message = "upstream " + upstream.name() + " answered " + status + " to " + what;
        return switch (status) {
            case 404 -> new UpstreamException(UpstreamException.Kind.NOT_FOUND, message, Optional.empty());
            case 401, 403 -> new UpstreamException(UpstreamException.Kind.DENIED, message, Optional.empty());
            case 429 -> {
                java.time.Duration wait = UpstreamBudget.retryAfter(response.header("Retry-After"));
                budget.quiet(wait);
                yield new UpstreamException(UpstreamException.Kind.RATE_LIMITED, message, Optional.of(wait));
            }
            default -> new UpstreamException(UpstreamException.Kind.UNAVAILABLE, message, Optional.empty());
        };
    }

    private boolean isUpstream(URI uri) {
        URI own = upstream.url();
        return uri.getHost() != null && uri.getHost().equalsIgnoreCase(own.getHost()) && uri.getScheme().equals(own.getScheme())
                && port(uri) == port(own);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** A body whose reads time out natively, reported as the upstream's stall, and that gives the slot back once, when closed. */
    private final class CountedBody extends FilterInputStream {
        private final AtomicBoolean closed = new AtomicBoolean();

        CountedBody(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (java.net.SocketTimeoutException e) {
                counts.failures.increment();
                throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "upstream " + upstream.name()
                        + " sent nothing for " + upstream.timeout().toSeconds() + " s", e);
            }
        }

        @Override
        public void close() throws IOException {
            if (closed.compareAndSet(false, true)) {
                budget.release();
                super.close();
            }
        }
    }
}
