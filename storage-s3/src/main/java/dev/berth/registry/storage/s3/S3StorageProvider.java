// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import com.google.auto.service.AutoService;
import dev.berth.registry.spi.DeclaredSettings;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Selected as {@code s3}; its settings are {@link #settings()}. */
@AutoService(StorageProvider.class)
public final class S3StorageProvider implements StorageProvider, DeclaredSettings {
    @Override
    public String name() {
        return "s3";
    }

    @Override
    public Map<String, String> settings() {
        return DeclaredSettings.of(
                "bucket", "the bucket (required)",
                "endpoint", "the S3 endpoint URL (omit for AWS)",
                "region", "the region (us-east-1)",
                "prefix", "a key prefix inside the bucket (none)",
                "path-style", "path-style bucket addressing (true with an endpoint)",
                "access-key", "the access key, with secret-key (else the SDK's default chain: environment, profile,"
                        + " instance role)",
                "secret-key", "the secret key, with access-key",
                "checksum", "when-required (the default with an endpoint) or when-supported",
                "part-size", "bytes per multipart part (8 MiB; at least 5 MiB, at most 1 GiB)",
                "redirect", "blob GETs answer 307 to a presigned URL (false)",
                "redirect-ttl", "how long a presigned URL is valid (15m)",
                "max-connections", "the HTTP connection pool's size (64)",
                "create-bucket", "create the bucket if it does not exist (false)");
    }

    @Override
    public Storage open(StorageConfig config) throws IOException {
        return open(config, Clock.systemUTC());
    }

    /** Like {@link #open(StorageConfig)}, measuring record ages against {@code clock}. */
    S3Storage open(StorageConfig config, Clock clock) throws IOException {
        String bucket = config.get("bucket").filter(b -> !b.isBlank()).orElseThrow(() ->
                new IllegalArgumentException("storage setting bucket is required for s3 (-s bucket=NAME)"));
        Optional<URI> endpoint = config.get("endpoint").filter(e -> !e.isBlank()).map(URI::create);
        Region region = Region.of(config.string("region", "us-east-1"));
        boolean pathStyle = config.flag("path-style", endpoint.isPresent());
        long partSize = config.number("part-size", 8L << 20);
        if (partSize < S3UploadHandler.MIN_PART || partSize > (1L << 30)) {
            throw new IllegalArgumentException("storage setting part-size must be between 5 MiB (5242880) and 1 GiB, got "
                    + partSize);
        }
        String checksum = config.string("checksum", endpoint.isPresent() ? "when-required" : "when-supported")
                .toLowerCase(Locale.ROOT);
        if (!checksum.equals("when-required") && !checksum.equals("when-supported")) {
            throw new IllegalArgumentException("storage setting checksum must be when-required or when-supported, got \""
                    + checksum + "\"");
        }
        boolean required = checksum.equals("when-required");
        Optional<Duration> redirectTtl = config.flag("redirect", false)
                ? Optional.of(config.duration("redirect-ttl", Duration.ofMinutes(15))) : Optional.empty();
        AwsCredentialsProvider credentials = credentials(config);
        S3Configuration s3Config = S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build();

        S3ClientBuilder client = S3Client.builder()
                .httpClient(Apache5HttpClient.builder().maxConnections((int) config.number("max-connections", 64)).build())
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(s3Config)
                .requestChecksumCalculation(required ? RequestChecksumCalculation.WHEN_REQUIRED
                        : RequestChecksumCalculation.WHEN_SUPPORTED)
                .responseChecksumValidation(required ? ResponseChecksumValidation.WHEN_REQUIRED
                        : ResponseChecksumValidation.WHEN_SUPPORTED);
        S3Presigner.Builder presigner = S3Presigner.builder().region(region).credentialsProvider(credentials)
                .serviceConfiguration(s3Config);
        endpoint.ifPresent(client::endpointOverride);
        endpoint.ifPresent(presigner::endpointOverride);
        S3Client s3 = client.build();
        try {
            prepare(s3, bucket, config.flag("create-bucket", false));
        } catch (IOException | RuntimeException e) {
            s3.close();
            throw e;
        }
        return S3Storage.open(new Bucket(s3, presigner.build(), bucket, config.string("prefix", "")), (int) partSize,
                redirectTtl, clock);
    }

    private static AwsCredentialsProvider credentials(StorageConfig config) {
        Optional<String> access = config.get("access-key");
        Optional<String> secret = config.get("secret-key");
        if (access.isPresent() != secret.isPresent()) {
            throw new IllegalArgumentException("storage settings access-key and secret-key go together");
        }
        if (access.isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(access.get(), secret.get()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /** Fails early, naming the bucket, when it cannot be reached; creates it if asked to. */
    private static void prepare(S3Client s3, String bucket, boolean create) throws IOException {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && create) {
                try {
                    s3.createBucket(b -> b.bucket(bucket));
                    return;
                } catch (SdkException c) {
                    throw new IOException("could not create S3 bucket " + bucket + ": " + c.getMessage(), c);
                }
            }
            throw new IOException("S3 bucket " + bucket + " is not usable (HTTP " + e.statusCode() + "): "
                    + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("S3 bucket " + bucket + " cannot be reached: " + e.getMessage(), e);
        }
    }
}
