// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module's arrows (see the module table in docs/backends.md), checked on its compiled classes. */
class DependencyRulesTest {
    @Test
    void testArtifactImportsNothingOfTheRunnableServer() {
        // test authors pay for every class this reaches
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(
                "java..",
                "javax.net..",
                "dev.berth.registry.api..",
                "dev.berth.registry.spi..",
                "dev.berth.registry.core..",
                "dev.berth.registry.jetty..",
                "dev.berth.registry.storage.memory..",
                "dev.berth.registry.storage.disk..",
                "dev.berth.registry.junit..",
                "org.junit..",
                "org.eclipse.jetty..",
                "jakarta.servlet..",
                "com.fasterxml.jackson..") // through core
                .check(new ClassFileImporter().importPath(Path.of("target/classes")));
    }
}
