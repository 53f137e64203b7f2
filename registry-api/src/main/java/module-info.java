// SPDX-License-Identifier: Apache-2.0
/** Berth's storage SPI and value types: the JDK and nothing else. */
module dev.berth.registry.api {
    exports dev.berth.registry.api;
    exports dev.berth.registry.spi;
    exports dev.berth.registry.spi.gc;

    uses dev.berth.registry.spi.StorageProvider;
    uses dev.berth.registry.spi.BlobHandlerProvider;
}
