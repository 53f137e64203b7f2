// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A started registry for a JUnit 5 test, on a {@link TestRegistry} (or, with {@link #tls}, a
 * {@link TlsRegistry}) field or test method parameter: a static field gets one per test class, an
 * instance field or a parameter one per test. Fields declared in superclasses and in the
 * enclosing classes of a {@code @Nested} test are filled too. Stopped, and temporary data
 * removed, when the class or the test ends.
 *
 * <pre>{@code
 * class PushTest {
 *     @EmbeddedRegistry(options = "journaled")
 *     TestRegistry registry;
 *
 *     static Registry.Builder journaled() {
 *         return Registry.builder().journal().fault(Fault.on("end-2").method("GET").nth(1).status(503));
 *     }
 * }
 * }</pre>
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(EmbeddedRegistryExtension.class)
public @interface EmbeddedRegistry {
    /**
     * A static method without parameters that returns the {@code Registry.Builder} (or the built
     * {@code Registry}) to serve, for every builder option: journal, faults, warning, blob handler,
     * referrers, access control. A method of the test class (or its superclasses and enclosing
     * classes) by name, or {@code fully.qualified.Class#method}, as JUnit's {@code @MethodSource}.
     * Empty: the defaults, on {@link #storage}.
     */
    String options() default "";

    /** The storage provider's name; {@code disk} gets a temporary directory unless a root is set. */
    String storage() default "memory";

    /** Storage settings as {@code key=value}. */
    String[] settings() default {};

    /**
     * Immutable tags as {@code "REPOSITORY-GLOB:TAG-GLOB"}, e.g. {@code "release/**:v*"}: another
     * manifest pushed to such a tag, or a delete of it or of its manifest, gets {@code 403 DENIED}
     * (with {@link #options}, set them in the builder: {@code immutableTags(ImmutableTags.matching(…))}).
     */
    String[] immutableTags() default {};

    /** Serve over HTTPS for this made-up domain with a generated certificate (a {@link TlsRegistry}). */
    String tls() default "";

    /** A classpath directory holding an OCI image layout to push before the test; empty for none. */
    String preload() default "";

    /** The repository the preloaded layout's tagged images are pushed to. */
    String repository() default "preloaded";
}
