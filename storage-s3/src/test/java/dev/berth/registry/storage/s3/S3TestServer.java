// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.HttpResponse;
import org.gaul.s3proxy.blobstore.HttpResponseException;
import org.gaul.s3proxy.blobstore.domain.Blob;
import org.gaul.s3proxy.blobstore.domain.BlobMetadata;
import org.gaul.s3proxy.blobstore.domain.MultipartPart;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.gaul.s3proxy.blobstore.options.CreateContainerOptions;
import org.gaul.s3proxy.blobstore.options.PutOptions;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * A real S3 server in this JVM for tests: s3proxy over its in-memory store, on 127.0.0.1 with
 * V4 signatures (presigned URLs included). Two things are added around s3proxy's store:
 * conditional writes are made atomic per key (s3proxy checks {@code If-Match} and then writes,
 * unlocked), and the bytes written into the store are counted, so a test can tell how much a
 * push moved to S3.
 *
 * <p>To run the same tests against a real S3 or another compatible store instead, set
 * {@code BERTH_S3_ENDPOINT}, {@code BERTH_S3_BUCKET}, {@code BERTH_S3_REGION},
 * {@code BERTH_S3_ACCESS_KEY} and {@code BERTH_S3_SECRET_KEY} (see docs/operating.md).
 */
public final class S3TestServer implements AutoCloseable {
    public static final String ACCESS_KEY = "berth-test";
    public static final String SECRET_KEY = "berth-test-secret";

    private final S3Proxy proxy;
    private final CountingStore store;
    private final URI endpoint;
    private final String bucket;
    private final Map<String, String> external;

    private S3TestServer(S3Proxy proxy, CountingStore store, URI endpoint, String bucket, Map<String, String> external) {
        this.proxy = proxy;
        this.store = store;
        this.endpoint = endpoint;
        this.bucket = bucket;
        this.external = external;
    }

    private static S3TestServer shared;

    /**
     * One server for the whole test JVM, started on first use and stopped when the JVM exits:
     * test classes keep apart by key prefix ({@link #settings}), and each saves the start.
     */
    public static synchronized S3TestServer shared() throws Exception {
        if (shared == null) {
            S3TestServer server = start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (Exception e) {
                    // the JVM is exiting
                }
            }, "s3-test-server-stop"));
            shared = server;
        }
        return shared;
    }

    /** Starts s3proxy with one bucket, or points at the store named by BERTH_S3_* variables. */
    private static S3TestServer start() throws Exception {
        String externalEndpoint = System.getenv("BERTH_S3_ENDPOINT");
        if (externalEndpoint != null && !externalEndpoint.isBlank()) {
            Map<String, String> settings = new HashMap<>();
            settings.put("endpoint", externalEndpoint);
            settings.put("bucket", Objects.requireNonNull(System.getenv("BERTH_S3_BUCKET"), "BERTH_S3_BUCKET"));
            settings.put("region", Objects.requireNonNullElse(System.getenv("BERTH_S3_REGION"), "us-east-1"));
            settings.put("access-key", Objects.requireNonNull(System.getenv("BERTH_S3_ACCESS_KEY"), "BERTH_S3_ACCESS_KEY"));
            settings.put("secret-key", Objects.requireNonNull(System.getenv("BERTH_S3_SECRET_KEY"), "BERTH_S3_SECRET_KEY"));
            settings.put("path-style", Objects.requireNonNullElse(System.getenv("BERTH_S3_PATH_STYLE"), "true"));
            return new S3TestServer(null, null, URI.create(externalEndpoint), settings.get("bucket"), Map.copyOf(settings));
        }
        CountingStore store = new CountingStore(new TransientNio2BlobStore());
        store.createContainer("berth", CreateContainerOptions.NONE);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .jettyMaxThreads(64)
                .build();
        proxy.start();
        for (int i = 0; i < 500 && !"STARTED".equals(proxy.getState()); i++) {
            Thread.sleep(10);
        }
        URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        return new S3TestServer(proxy, store, endpoint, "berth", Map.of());
    }

    /** Whether the tests run against s3proxy (false: an external store from BERTH_S3_*). */
    public boolean inProcess() {
        return proxy != null;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Storage settings for the {@code s3} provider, under {@code prefix} so tests do not meet. */
    public Map<String, String> settings(String prefix) {
        Map<String, String> settings = new HashMap<>();
        if (external.isEmpty()) {
            settings.put("endpoint", endpoint.toString());
            settings.put("bucket", bucket);
            settings.put("region", "us-east-1");
            settings.put("access-key", ACCESS_KEY);
            settings.put("secret-key", SECRET_KEY);
            settings.put("path-style", "true");
        } else {
            settings.putAll(external);
        }
        settings.put("prefix", prefix);
        return settings;
    }

    /**
     * Blob bytes clients wrote into the store so far: upload pieces and data objects. Server-side
     * copies are not counted: s3proxy's in-memory store carries out UploadPartCopy by reading the
     * source and storing a part itself, and the backend never sends UploadPart.
     */
    public long contentBytesWritten() {
        return counting().content.get();
    }

    /** Reads of blob link records ({@code …/_layers/…}) so far. */
    public long linkReads() {
        return counting().linkReads.get();
    }

    /** Reads of manifest records ({@code …/_manifests/…}) so far. */
    public long manifestReads() {
        return counting().manifestReads.get();
    }

    /** Bytes of everything else written: the backend's small JSON records and markers. */
    public long recordBytesWritten() {
        return counting().records.get();
    }

    private CountingStore counting() {
        if (store == null) {
            throw new IllegalStateException("only the in-process server counts what the backend reads and writes");
        }
        return store;
    }

    @Override
    public void close() throws Exception {
        if (proxy != null) {
            proxy.stop();
        }
    }

    /** s3proxy's store with atomic conditional writes per key and a count of bytes written. */
    private static final class CountingStore extends ForwardingBlobStore {
        final AtomicLong content = new AtomicLong();
        final AtomicLong records = new AtomicLong();
        final AtomicLong linkReads = new AtomicLong();
        final AtomicLong manifestReads = new AtomicLong();
        private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

        CountingStore(BlobStore delegate) {
            super(delegate);
        }

        private ReentrantLock lock(String container, String name) {
            ReentrantLock lock = locks.computeIfAbsent(container + "/" + name, k -> new ReentrantLock());
            lock.lock();
            return lock;
        }

        @Override
        public String putBlob(String container, Blob blob, PutOptions options) {
            String name = blob.getMetadata().name();
            ReentrantLock lock = lock(container, name);
            try {
                checkCondition(container, name, options);
                AtomicLong counter = name.contains("/piece-") || name.contains("/data-") ? content : records;
                AtomicLong thisPut = new AtomicLong();
                Blob counted = blob.toBuilder().payload(new CountingInputStream(blob.getPayload(), thisPut)).build();
                String etag = super.putBlob(container, counted, options);
                counter.addAndGet(thisPut.get());
                slowDown(thisPut.get());
                return etag;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Blob getBlob(String container, String name, org.gaul.s3proxy.blobstore.options.GetOptions options) {
            if (name.contains("/_layers/")) {
                linkReads.incrementAndGet();
            } else if (name.contains("/_manifests/")) {
                manifestReads.incrementAndGet();
            }
            return super.getBlob(container, name, options);
        }

        @Override
        public void removeBlob(String container, String name) {
            ReentrantLock lock = lock(container, name);
            try {
                super.removeBlob(container, name);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public String copyBlob(String fromContainer, String fromName, String toContainer, String toName,
                               org.gaul.s3proxy.blobstore.options.CopyOptions options) {
            ReentrantLock lock = lock(toContainer, toName);
            try {
                return super.copyBlob(fromContainer, fromName, toContainer, toName, options);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public String completeMultipartUpload(MultipartUpload upload, java.util.List<MultipartPart> parts) {
            ReentrantLock lock = lock(upload.containerName(), upload.blobName());
            try {
                checkCondition(upload.containerName(), upload.blobName(), upload.putOptions());
                for (int i = 0; i < parts.size() - 1; i++) { // S3's rule, which s3proxy's memory store skips
                    if (parts.get(i).partSize() < 5L << 20) {
                        throw new HttpResponseException("EntityTooSmall: part "
                                + parts.get(i).partNumber() + " has " + parts.get(i).partSize()
                                + " bytes; each part must be at least 5 MiB, except the last part", new HttpResponse(400));
                    }
                }
                return super.completeMultipartUpload(upload, parts);
            } finally {
                lock.unlock();
            }
        }

        /**
         * For measurements only: with -Dberth.s3test.putLatencyMs=L and
         * -Dberth.s3test.putMBps=R, each PUT takes L ms plus its size at R MB/s, roughly what one
         * connection to a cloud object store does, so a benchmark can see what waiting for S3 costs.
         */
        private static void slowDown(long bytes) {
            long latency = Long.getLong("berth.s3test.putLatencyMs", 0);
            long rate = Long.getLong("berth.s3test.putMBps", 0);
            long millis = latency + (rate > 0 ? bytes / (rate * 1000) : 0);
            if (millis > 0) {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void checkCondition(String container, String name, PutOptions options) {
            if (options == null || (options.ifMatch() == null && options.ifNoneMatch() == null)) {
                return;
            }
            BlobMetadata current = delegate().blobMetadata(container, name);
            if (options.ifNoneMatch() != null && current != null) {
                throw new HttpResponseException(new HttpResponse(412));
            }
            if (options.ifMatch() != null && (current == null
                    || !unquote(current.eTag()).equals(unquote(options.ifMatch())))) {
                throw new HttpResponseException(new HttpResponse(412));
            }
        }

        private static String unquote(String etag) {
            return etag == null ? "" : etag.replace("\"", "");
        }
    }
}
