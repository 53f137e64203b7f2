// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.tck;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module's arrows (see the module table in docs/backends.md), checked on its compiled classes. */
class DependencyRulesTest {
    @Test
    void tckImportsNoBackend() {
        // the kit judges any backend, so it may know none of them
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(
                "java..",
                "dev.berth.registry.api..",
                "dev.berth.registry.spi..",
                "dev.berth.registry.core..",
                "dev.berth.registry.tck..",
                "org.junit..",
                "org.opentest4j..",
                "org.eclipse.jetty..",
                "jakarta.servlet..",
                "com.fasterxml.jackson..")
                .check(new ClassFileImporter().importPath(Path.of("target/classes")));
    }
}
