// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unknown user costs the bcrypt work of a known one: the check of a name that is not in the
 * file runs at the cost of one that is, for files of one cost and of mixed costs.
 */
class HtpasswdTimingTest {
    @TempDir
    Path dir;

    private Htpasswd file(List<Integer> costs) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < costs.size(); i++) {
            byte[] salt = new byte[16];
            new SecureRandom().nextBytes(salt);
            lines.append("user").append(i).append(':')
                    .append(OpenBSDBCrypt.generate("2y", ("password" + i).toCharArray(), salt, costs.get(i))).append('\n');
        }
        Path path = Files.writeString(dir.resolve("users-" + costs.hashCode() + ".htpasswd"), lines);
        return new Htpasswd(path);
    }

    @ParameterizedTest(name = "cost {0}")
    @ValueSource(ints = {4, 5, 10, 12})
    @DisplayName("one cost in the file: every unknown name is checked at that cost")
    void singleCost(int cost) throws Exception {
        Htpasswd users = file(List.of(cost, cost));
        assertEquals(cost, users.costOf("user0"));
        for (int i = 0; i < 100; i++) {
            assertEquals(cost, users.costOf("nobody" + i), "unknown name nobody" + i);
        }
        assertTrue(users.verify("user1", "password1".toCharArray()));
        assertFalse(users.verify("nobody", "password1".toCharArray()));
    }

    @org.junit.jupiter.api.Test
    @DisplayName("mixed costs: unknown names take the costs of known ones, each name always the same")
    void mixedCosts() throws Exception {
        List<Integer> costs = List.of(4, 12, 5, 10);
        Htpasswd users = file(costs);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int cost = users.costOf("nobody" + i);
            assertTrue(costs.contains(cost), "a cost some user has: " + cost);
            assertEquals(cost, users.costOf("nobody" + i), "the same name, the same cost");
            seen.add(cost);
        }
        assertEquals(Set.copyOf(costs), seen, "unknown names spread over the users' costs");
        for (int i = 0; i < costs.size(); i++) {
            assertEquals(costs.get(i), users.costOf("user" + i));
        }
    }
}
