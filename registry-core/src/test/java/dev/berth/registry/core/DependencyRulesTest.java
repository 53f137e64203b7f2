// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module's arrows (see the module table in docs/backends.md), checked on its compiled classes. */
class DependencyRulesTest {
    @Test
    void coreImportsNoHostAndNoBackend() {
        // core is a plain servlet: any container hosts it, any backend plugs in
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(
                "java..", "javax.net.ssl..", // the JDK's TLS, for an upstream with its own trust
                "dev.berth.registry.api..",
                "dev.berth.registry.spi..",
                "dev.berth.registry.core..",
                "com.fasterxml.jackson..",
                "jakarta.servlet..")
                .check(new ClassFileImporter().importPath(Path.of("target/classes")));
    }
}
