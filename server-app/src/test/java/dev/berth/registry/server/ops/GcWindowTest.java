// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** --gc-window: when scheduled collection passes may start. */
class GcWindowTest {
    @ParameterizedTest(name = "{0} at {1}: {2}")
    @CsvSource({
            "01:00-05:00, 00:59, false",
            "01:00-05:00, 01:00, true",
            "01:00-05:00, 04:59, true",
            "01:00-05:00, 05:00, false",
            "22:00-02:00, 23:30, true",   // spans midnight
            "22:00-02:00, 01:59, true",
            "22:00-02:00, 02:00, false",
            "22:00-02:00, 12:00, false",
            "03:00-03:00, 17:45, true"    // same start and end: all day
    })
    void contains(String window, String time, boolean inside) {
        Instant at = Instant.parse("2026-11-27T" + time + ":00Z");
        assertEquals(inside, GcSchedule.Window.parse(window, ZoneOffset.UTC).contains(at));
    }

    @ParameterizedTest
    @CsvSource({"01:00", "1-5", "25:00-26:00"})
    void refusesMalformed(String window) {
        assertThrows(RuntimeException.class, () -> GcSchedule.Window.parse(window, ZoneOffset.UTC));
    }
}
