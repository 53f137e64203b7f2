// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The route table fails closed: no write is authorized as a pull or served in read-only mode. */
class RouteTableTest {
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    @Test
    @DisplayName("every route says what it needs, and every write method needs push or delete")
    void everyWriteNeedsAWriteAccess() {
        for (RouteTable.Row row : RouteTable.ROWS) {
            assertNotNull(row.access(), row.id());
            boolean uploadSession = row.template().contains("/blobs/uploads/");
            if (WRITES.contains(row.method())) {
                assertTrue(row.access() == RouteTable.Access.PUSH || row.access() == RouteTable.Access.DELETE,
                        row.id() + " " + row.method() + " " + row.template() + " is a write but needs " + row.access());
            }
            if (row.method().equals("DELETE") && !uploadSession) {
                assertEquals(RouteTable.Access.DELETE, row.access(), row.id() + " deletes content");
            }
            if (uploadSession) {
                assertEquals(RouteTable.Access.PUSH, row.access(), row.id() + " works on an upload session");
            }
            assertTrue(row.access().action().isPresent() || row.method().equals("GET"), row.id());
        }
    }

    @Test
    @DisplayName("the table names each spec endpoint once")
    void idsAreUnique() {
        List<String> ids = RouteTable.ROWS.stream().map(RouteTable.Row::id).toList();
        assertEquals(ids.size(), new HashSet<>(ids).size(), "unique ids: " + ids);
    }
}
