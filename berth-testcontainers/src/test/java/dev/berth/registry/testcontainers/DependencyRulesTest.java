// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.testcontainers;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The substitutor is one class on a user's test class path: it may use the JDK and Testcontainers, nothing of Berth's. */
class DependencyRulesTest {
    @Test
    void substitutorNeedsOnlyTestcontainers() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.testcontainers..",
                "dev.berth.registry.testcontainers..")
                .check(new ClassFileImporter().importPath(Path.of("target/classes")));
    }
}
