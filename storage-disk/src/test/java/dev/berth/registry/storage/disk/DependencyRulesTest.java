// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.storage.disk;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module's arrows (see the module table in docs/backends.md), checked on its compiled classes. */
class DependencyRulesTest {
    @Test
    void backendImportsTheSpiOnly() {
        // a backend sees the SPI, never core, a host or another backend
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(
                "java..",
                "dev.berth.registry.api..",
                "dev.berth.registry.spi..",
                "dev.berth.registry.storage.disk..",
                "com.google.auto.service..")
                .check(new ClassFileImporter().importPath(Path.of("target/classes")));
    }
}
