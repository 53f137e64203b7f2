// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.maven;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The plugin hosts the embedded registry and nothing of the runnable server (see README's module table). */
class DependencyRulesTest {
    @Test
    void pluginImportsNothingOfTheRunnableServer() {
        // a build pays for every class the plugin reaches, in its own class realm
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(
                "java..",
                "javax.net..",
                "dev.berth.registry.api..",
                "dev.berth.registry.spi..",
                "dev.berth.registry.core..",
                "dev.berth.registry.jetty..",
                "dev.berth.registry.junit..",
                "dev.berth.registry.maven..",
                "org.apache.maven..",
                "org.eclipse.jetty..",
                "jakarta.servlet..")
                .check(new ClassFileImporter().importPath(Path.of("target/classes")));
    }
}
