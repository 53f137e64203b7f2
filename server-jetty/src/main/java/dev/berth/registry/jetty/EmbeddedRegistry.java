// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A started registry for a JUnit 5 test: on a static {@link BerthServer} field, one per test
 * class; on an instance field or a test method parameter, one per test. Stopped (and its
 * temporary data removed) afterwards.
 *
 * <pre>{@code
 * class PushTest {
 *     @EmbeddedRegistry(preload = "images/hello", repository = "library/hello")
 *     static BerthServer registry;
 *
 *     @Test
 *     void pulls() { URI uri = registry.uri(); … }
 * }
 * }</pre>
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(BerthExtension.class)
public @interface EmbeddedRegistry {
    /** The storage provider's name; {@code disk} gets a temporary directory unless a root is set. */
    String storage() default "memory";

    /** Storage settings as {@code key=value}. */
    String[] settings() default {};

    /** A classpath directory holding an OCI image layout to push before the test; empty for none. */
    String preload() default "";

    /** The repository the preloaded layout's tagged images are pushed to. */
    String repository() default "preloaded";
}
