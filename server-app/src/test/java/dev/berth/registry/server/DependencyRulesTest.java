// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The server's rooms: the command line assembles authentication, operations and policies, which know neither it
 * nor each other.
 */
class DependencyRulesTest {
    private static final JavaClasses SERVER = new ClassFileImporter().importPath(Path.of("target/classes"));

    @Test
    void authenticationKnowsNoCommandLineAndNoOperations() {
        noClasses().that().resideInAPackage("dev.berth.registry.server.auth..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.berth.registry.server.cli..", "dev.berth.registry.server.ops..", "picocli..")
                .check(SERVER);
    }

    @Test
    void operationsKnowNoCommandLineAndNoAuthentication() {
        noClasses().that().resideInAPackage("dev.berth.registry.server.ops..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.berth.registry.server.cli..", "dev.berth.registry.server.auth..", "picocli..")
                .check(SERVER);
    }

    @Test
    void policiesKnowNoCommandLineNoAuthenticationAndNoOperations() {
        noClasses().that().resideInAPackage("dev.berth.registry.server.policy..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.berth.registry.server.cli..", "dev.berth.registry.server.auth..",
                        "dev.berth.registry.server.ops..", "picocli..")
                .check(SERVER);
    }

    @Test
    void storageIsObservedWithoutReflection() { // core's StorageObserver sees each call; proxies would hide capabilities
        noClasses().should().dependOnClassesThat().belongToAnyOf(java.lang.reflect.Proxy.class).check(SERVER);
    }
}
