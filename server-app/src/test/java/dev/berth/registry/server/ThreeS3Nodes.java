// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Each test gets a new {@link S3Cluster} of three nodes on a fresh prefix of the shared S3 server. */
abstract class ThreeS3Nodes {
    S3Cluster cluster;

    @BeforeEach
    void startNodes() throws Exception {
        cluster = S3Cluster.start(3);
    }

    @AfterEach
    void stopNodes() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }
}
