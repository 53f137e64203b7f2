// SPDX-License-Identifier: Apache-2.0
package com.example.berth.blobfiles;

import java.util.Map;

/** The kit on the one-method read-only source: what it can check of get alone, the rest skipped with the reason. */
class ReadOnlyBlobFilesTckTest extends BlobFilesTckTest {
    @Override
    Map<String, String> settings() {
        return Map.of("root", root.toString(), "read-only", "true");
    }
}
