// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.berth.registry.core.Registry;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** @EmbeddedRegistry as JUnit users write it, run through JUnit's own engine. */
class ExtensionTest {
    abstract static class BaseWithRegistries {
        @EmbeddedRegistry
        static TestRegistry perClass;

        @EmbeddedRegistry
        TestRegistry inherited;
    }

    static class InheritsFields extends BaseWithRegistries {
        @Test
        void superclassFieldsAreFilled() throws Exception {
            assertNotNull(perClass, "static field of the superclass");
            assertNotNull(inherited, "instance field of the superclass");
            assertNotSame(perClass, inherited);
            assertEquals(200, Requests.send(inherited, "GET", "/v2/", null).statusCode());
        }
    }

    static class WithNested {
        @EmbeddedRegistry
        TestRegistry outer;

        @Nested
        class Inner {
            @EmbeddedRegistry
            TestRegistry inner;

            @Test
            void enclosingInstanceFieldsAreFilled() throws Exception {
                assertNotNull(outer, "the enclosing instance's field");
                assertNotNull(inner);
                assertEquals(200, Requests.send(outer, "GET", "/v2/", null).statusCode());
            }
        }
    }

    static class WithOptions {
        @EmbeddedRegistry(options = "journaledWithWarning")
        TestRegistry registry;

        @EmbeddedRegistry(tls = "registry.test")
        TlsRegistry secure;

        @EmbeddedRegistry(storage = "disk")
        TestRegistry onDisk;

        static Registry.Builder journaledWithWarning() {
            return Registry.builder().journal().warning(1.0, "from the options method");
        }

        @Test
        void optionsMethodTlsAndStorage() throws Exception {
            HttpResponse<byte[]> r = Requests.send(registry, "GET", "/v2/", null);
            assertEquals("299 - \"from the options method\"", r.headers().firstValue("Warning").orElse(""));
            assertEquals(1, registry.journal().entries().size(), "the journal is on");
            HttpResponse<String> tls = secure.javaHttpClient().send(HttpRequest.newBuilder(
                    secure.directUri().resolve("/v2/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, tls.statusCode());
            assertNotNull(onDisk.fixtures().image("disk/app:v1", 100).digest());
        }

        @Test
        void parameters(@EmbeddedRegistry(options = "journaledWithWarning") TestRegistry parameter) {
            assertNotSame(registry, parameter);
            assertTrue(parameter.registry().journal().entries().isEmpty());
        }
    }

    static class WithImmutableTags {
        @EmbeddedRegistry(immutableTags = "release/**:v*")
        TestRegistry registry;

        @Test
        void immutableTagsRefuseAMove() throws Exception {
            PushedImage first = registry.fixtures().image("release/app:v1", 100);
            java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> registry.fixtures().image("release/app:v1", 100));
            assertTrue(refused.getMessage().contains("DENIED") && refused.getMessage().contains("immutable"),
                    refused.getMessage());
            assertEquals(first.digest().toString(), Requests.send(registry, "HEAD", "/v2/release/app/manifests/v1", null)
                    .headers().firstValue("Docker-Content-Digest").orElse(""));
            assertEquals(403, Requests.send(registry, "DELETE", "/v2/release/app/manifests/v1", null).statusCode());
            registry.fixtures().image("release/app:latest", 100);
            registry.fixtures().image("release/app:latest", 100); // a tag the rule does not match moves
        }
    }

    private static Events run(Class<?> fixture, List<String> warnings) {
        Logger junit = Logger.getLogger("org.junit");
        Handler collect = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(String.valueOf(record.getMessage()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        junit.addHandler(collect);
        try {
            return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute().testEvents();
        } finally {
            junit.removeHandler(collect);
        }
    }

    @Test
    @DisplayName("fields of superclasses, of the enclosing instance of a @Nested class, options, tls, disk, parameters,"
            + " immutable tags")
    void everyFormWorks() {
        List<String> warnings = new CopyOnWriteArrayList<>();
        for (Class<?> fixture : List.of(InheritsFields.class, WithNested.class, WithOptions.class,
                WithImmutableTags.class)) {
            Events events = run(fixture, warnings);
            events.failed().stream().forEach(e -> System.err.println(e));
            events.assertStatistics(s -> s.failed(0).succeeded(fixture == WithOptions.class ? 2 : 1));
        }
        assertTrue(warnings.stream().noneMatch(w -> w.contains("CloseableResource")), warnings.toString());
    }
}
