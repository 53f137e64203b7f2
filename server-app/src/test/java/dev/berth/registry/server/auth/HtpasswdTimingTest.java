// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
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

    /** The bcrypt work of a check: each run of cost c hashes 2^c times. */
    private static long work(List<Integer> costs) {
        return costs.stream().mapToLong(c -> 1L << c).sum();
    }

    @ParameterizedTest(name = "costs {0}")
    @ValueSource(strings = {"4", "5", "10", "12", "4,12,5,10", "5,5,12"})
    @DisplayName("every check, of a known user or an unknown one, does the work of the file's most expensive hash")
    void sameWorkForEveryone(String costList) throws Exception {
        List<Integer> costs = java.util.Arrays.stream(costList.split(",")).map(Integer::valueOf).toList();
        Htpasswd users = file(costs);
        long expected = 1L << costs.stream().mapToInt(Integer::intValue).max().orElseThrow();
        for (int i = 0; i < costs.size(); i++) {
            assertEquals(expected, work(users.costsChecked("user" + i)), "user" + i + " of cost " + costs.get(i));
            assertTrue(users.verify("user" + i, ("password" + i).toCharArray()));
            assertFalse(users.verify("user" + i, "wrong".toCharArray()));
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(expected, work(users.costsChecked("nobody" + i)), "unknown name nobody" + i);
        }
        assertFalse(users.verify("nobody", "password0".toCharArray()));
    }
}
