// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.s3;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/** Server-side assembly of an object from others: no byte passes through this node. */
final class PartCopies {
    private PartCopies() {
    }

    /**
     * Makes {@code to} the concatenation of {@code pieces} inside the store: one copy for a single
     * piece, a multipart upload of part copies otherwise (every piece but the last is at least
     * 5 MiB, as S3 requires of parts). An unfinished multipart upload is aborted.
     */
    static void concatenate(S3Client s3, String bucket, String prefix, List<String> pieces, String to) {
        if (pieces.size() == 1) {
            s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(prefix + pieces.get(0))
                    .destinationBucket(bucket).destinationKey(prefix + to));
            return;
        }
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(prefix + to)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (int i = 0; i < pieces.size(); i++) {
                int number = i + 1;
                String source = prefix + pieces.get(i);
                String etag = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(source)
                        .destinationBucket(bucket).destinationKey(prefix + to)
                        .uploadId(uploadId).partNumber(number)).copyPartResult().eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(prefix + to).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
        } catch (RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(prefix + to).uploadId(uploadId));
            } catch (SdkException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
