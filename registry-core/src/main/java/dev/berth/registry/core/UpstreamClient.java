// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import dev.berth.registry.api.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Talks the distribution protocol to one upstream within its {@link UpstreamBudget}, logged in
 * by {@link UpstreamAuth}, following redirects itself so that credentials never follow one to
 * another host (Docker Hub sends blobs to a CDN). A body that makes no progress for the
 * upstream's timeout is cut, so a stalled upstream never holds a download forever.
 */
final class UpstreamClient {
    /** Every manifest type Berth stores, so the upstream answers with what it has, unconverted. */
    static final String MANIFEST_TYPES = String.join(", ", "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.oci.artifact.manifest.v1+json");
    private static final int MAX_REDIRECTS = 5;

    final Upstream upstream;
    final UpstreamCounts counts = new UpstreamCounts();
    private final HttpClient http;
    private final UpstreamAuth auth;
    private final UpstreamBudget budget;
    private final ScheduledExecutorService watchdog;

    UpstreamClient(Upstream upstream, ScheduledExecutorService watchdog) {
        this.upstream = upstream;
        this.watchdog = watchdog;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(upstream.timeout()).followRedirects(HttpClient.Redirect.NEVER);
        upstream.tls().ifPresent(builder::sslContext);
        this.http = builder.build();
        this.auth = new UpstreamAuth(upstream, http, counts);
        this.budget = new UpstreamBudget(upstream);
    }

    /** An upstream answer of 2xx; closing it (or its body) gives back the budget's slot. */
    record Answer(HttpResponse<InputStream> response, InputStream body) implements AutoCloseable {
        Optional<String> header(String name) {
            return response.headers().firstValue(name);
        }

        long contentLength() {
            return response.headers().firstValueAsLong("Content-Length").orElse(-1);
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
            HttpResponse<InputStream> response = exchange(method, uri, accept, auth.header(scope));
            if (response.statusCode() == 401 && auth.challenged(response.headers().firstValue("WWW-Authenticate"),
                    scope)) {
                response.body().close();
                response = exchange(method, uri, accept, auth.header(scope));
            }
            for (int hops = 0; isRedirect(response.statusCode()) && hops < MAX_REDIRECTS; hops++) {
                response.body().close();
                URI next = uri.resolve(response.headers().firstValue("Location").orElseThrow(() ->
                        new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "a redirect without Location",
                                Optional.empty())));
                boolean sameHost = next.getHost() != null && next.getHost().equalsIgnoreCase(uri.getHost())
                        && next.getPort() == uri.getPort() && next.getScheme().equals(uri.getScheme());
                uri = next;
                response = exchange(method, uri, accept, sameHost ? auth.header(scope) : Optional.empty());
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                handedOver = true;
                return new Answer(response, new WatchedBody(response.body()));
            }
            response.body().close();
            throw refusal(status, response, method + " " + path);
        } catch (UpstreamException e) {
            if (e.kind != UpstreamException.Kind.NOT_FOUND) {
                (e.kind == UpstreamException.Kind.RATE_LIMITED ? counts.rateLimited : counts.failures).increment();
            }
            throw e;
        } catch (HttpTimeoutException e) {
            counts.failures.increment();
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "no answer within "
                    + upstream.timeout().toSeconds() + " s", e);
        } catch (IOException e) {
            counts.failures.increment();
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, e.toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "interrupted", e);
        } finally {
            if (!handedOver) {
                budget.release();
            }
        }
    }

    private UpstreamException refusal(int status, HttpResponse<?> response, String what) {
        String message = "upstream " + upstream.name() + " answered " + status + " to " + what;
        return switch (status) {
            case 404 -> new UpstreamException(UpstreamException.Kind.NOT_FOUND, message, Optional.empty());
            case 401, 403 -> new UpstreamException(UpstreamException.Kind.DENIED, message, Optional.empty());
            case 429 -> {
                java.time.Duration wait = UpstreamBudget.retryAfter(response.headers().firstValue("Retry-After"));
                budget.quiet(wait);
                yield new UpstreamException(UpstreamException.Kind.RATE_LIMITED, message, Optional.of(wait));
            }
            default -> new UpstreamException(UpstreamException.Kind.UNAVAILABLE, message, Optional.empty());
        };
    }

    private HttpResponse<InputStream> exchange(String method, URI uri, String accept, Optional<String> authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(upstream.timeout())
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("Accept", accept).header("User-Agent", "berth-mirror");
        authorization.ifPresent(a -> request.header("Authorization", a));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** A body that is cut when it makes no progress for the timeout, and gives the slot back once, when closed. */
    private final class WatchedBody extends FilterInputStream {
        private final AtomicBoolean closed = new AtomicBoolean();
        private final ScheduledFuture<?> check;
        private volatile long lastProgress = System.nanoTime();
        private volatile boolean stalled;

        WatchedBody(InputStream in) {
            super(in);
            long period = Math.max(50, upstream.timeout().toMillis() / 4);
            check = watchdog.scheduleWithFixedDelay(this::cutIfStalled, period, period, TimeUnit.MILLISECONDS);
        }

        private void cutIfStalled() {
            if (System.nanoTime() - lastProgress > upstream.timeout().toNanos()) {
                stalled = true;
                try {
                    close();
                } catch (IOException ignored) {
                    // closing a stalled body: nothing more to learn from it
                }
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = super.read(b, off, len);
                lastProgress = System.nanoTime();
                return n;
            } catch (IOException e) {
                if (stalled) {
                    counts.failures.increment();
                    throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "upstream " + upstream.name()
                            + " sent nothing for " + upstream.timeout().toSeconds() + " s", e);
                }
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            if (closed.compareAndSet(false, true)) {
                check.cancel(false);
                budget.release();
                super.close();
            }
        }
    }
}
