// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module's arrows (see the module table in docs/backends.md), checked on its compiled classes. */
class DependencyRulesTest {
    @Test
    void hostingImportsCoreAndJettyOnly() {
        // hosting is a library: no backend, no command line, no server operations
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(
                "java..",
                "javax.net..",
                "javax.security..",
                "dev.berth.registry.api..",
                "dev.berth.registry.spi..",
                "dev.berth.registry.core..",
                "dev.berth.registry.jetty..",
                "org.eclipse.jetty..",
                "jakarta.servlet..",
                "org.bouncycastle..",
                "com.fasterxml.jackson..", // through core
                "sun.misc..") // Unsafe.invokeCleaner frees direct send buffers at once
                .check(new ClassFileImporter().importPath(Path.of("target/classes")));
    }
}
