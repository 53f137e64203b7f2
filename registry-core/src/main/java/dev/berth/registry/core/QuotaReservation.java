// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

/** Bytes a push holds back in its repository's quotas until it is committed or abandoned. */
interface QuotaReservation extends AutoCloseable {
    /** Holds nothing: no quota applies, or the content is there already. */
    QuotaReservation NOTHING = new QuotaReservation() {
        @Override
        public void committed() {
        }

        @Override
        public void close() {
        }
    };

    /** The blob is linked now: its bytes count as used. */
    void committed();

    /** Gives the bytes back unless {@link #committed} was called. */
    @Override
    void close();
}
