// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.registry.core.Registry;
import dev.berth.registry.core.Retention;
import dev.berth.registry.server.ops.AdminServer;
import dev.berth.registry.server.policy.RepositoryPolicy;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.gc.CollectableStorage;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** The offline commands that read the {@code --policy} file: {@code quotas}, and retention for {@code gc}. */
final class PolicyCommands {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PolicyCommands() {
    }

    /** The policy file's retention rules for an offline {@code gc}; none without {@code --policy}. */
    static Retention retention(Main main, Storage storage) throws IOException {
        if (main.policy == null) {
            return Retention.NONE;
        }
        return RepositoryPolicy.open(main.policy, storage instanceof CollectableStorage).retention();
    }

    @Command(name = "quotas", mixinStandardHelpOptions = true,
            description = "Measure every quota of the --policy file on the data directory; JSON on stdout.")
    static final class QuotaUse implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Override
        public Integer call() throws Exception {
            if (main.policy == null) {
                throw new IllegalArgumentException("quotas needs --policy FILE, the file that defines them");
            }
            try (Storage storage = main.storageSettings().open()) {
                RepositoryPolicy policy = RepositoryPolicy.open(main.policy, storage instanceof CollectableStorage);
                Registry registry = Registry.builder().storage(storage).quotas(policy).build();
                System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                        Map.of("quotas", AdminServer.toJson(registry.quotaUse()))));
                return 0;
            }
        }
    }
}
