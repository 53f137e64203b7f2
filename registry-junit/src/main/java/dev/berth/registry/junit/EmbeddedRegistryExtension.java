// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import dev.berth.registry.core.ImmutableTags;
import dev.berth.registry.core.Registry;
import dev.berth.registry.jetty.LayoutPreloader;
import dev.berth.registry.spi.Storage;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Starts the registries {@link EmbeddedRegistry} asks for and stops them when their scope ends. */
public final class EmbeddedRegistryExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedRegistryExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        for (Class<?> type = context.getRequiredTestClass(); type != null && type != Object.class;
             type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.isAnnotationPresent(EmbeddedRegistry.class)) {
                    inject(field, null, context);
                }
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        // a @Nested test's instances: the outermost first, each with its superclasses' fields
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Class<?> type = instance.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers()) && field.isAnnotationPresent(EmbeddedRegistry.class)) {
                        inject(field, instance, context);
                    }
                }
            }
        }
    }

    private static void inject(Field field, Object instance, ExtensionContext context) throws Exception {
        EmbeddedRegistry spec = field.getAnnotation(EmbeddedRegistry.class);
        checkType(field.getType(), spec, "field " + field);
        field.setAccessible(true);
        field.set(instance, start(spec, field.getDeclaringClass(), context));
    }

    private static void checkType(Class<?> type, EmbeddedRegistry spec, String where) {
        Class<?> served = spec.tls().isEmpty() ? TestRegistry.class : TlsRegistry.class;
        if (!type.isAssignableFrom(served)) {
            throw new IllegalStateException("@EmbeddedRegistry " + where + " must be of type " + served.getSimpleName()
                    + (spec.tls().isEmpty() ? " (TlsRegistry needs tls = \"DOMAIN\")" : " (tls is set)"));
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.isAnnotated(EmbeddedRegistry.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        EmbeddedRegistry spec = parameter.findAnnotation(EmbeddedRegistry.class).orElseThrow();
        try {
            checkType(parameter.getParameter().getType(), spec, "parameter " + parameter.getParameter());
            return start(spec, parameter.getDeclaringExecutable().getDeclaringClass(), context);
        } catch (Exception e) {
            throw new ParameterResolutionException("could not start the embedded registry: " + e.getMessage(), e);
        }
    }

    /** Starts a registry whose lifetime is {@code context}'s (class or method). */
    private static AutoCloseable start(EmbeddedRegistry spec, Class<?> declaring, ExtensionContext context)
            throws Exception {
        Path temporary = null;
        Registry registry;
        if (spec.options().isEmpty()) {
            Map<String, String> settings = settings(spec);
            if (spec.storage().equals("disk") && !settings.containsKey("root")) {
                temporary = Files.createTempDirectory("berth-test-");
                settings.put("root", temporary.toString());
            }
            StorageProvider provider;
            try {
                provider = StorageProvider.named(spec.storage());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("@EmbeddedRegistry(storage = \"" + spec.storage() + "\"): "
                        + e.getMessage() + (spec.storage().equals("disk")
                        ? "; add dev.berth:storage-disk to the test dependencies" : ""), e);
            }
            Storage storage = provider.open(settings);
            Registry.Builder builder = Registry.builder().storage(storage);
            for (String rule : spec.immutableTags()) {
                int colon = rule.indexOf(':');
                if (colon <= 0 || colon == rule.length() - 1) {
                    throw new IllegalArgumentException("@EmbeddedRegistry immutableTags are \"REPOSITORY-GLOB:TAG-GLOB\","
                            + " got \"" + rule + "\"");
                }
                builder.immutableTags(ImmutableTags.matching(rule.substring(0, colon), rule.substring(colon + 1)));
            }
            registry = builder.build();
        } else {
            if (!spec.storage().equals("memory") || spec.settings().length > 0 || spec.immutableTags().length > 0) {
                throw new IllegalArgumentException("@EmbeddedRegistry: set the storage and immutable tags in the options"
                        + " method's builder, not beside options = \"" + spec.options() + "\"");
            }
            registry = OptionsMethod.invoke(spec.options(), declaring, context);
        }
        TlsRegistry tls = spec.tls().isEmpty() ? null : TestRegistry.tls(spec.tls(), registry);
        TestRegistry server = tls != null ? tls.server() : TestRegistry.start(registry);
        AutoCloseable served = tls != null ? tls : server;
        context.getStore(NAMESPACE).put(new Object(), new Cleanup(served, temporary));
        if (!spec.preload().isEmpty()) {
            LayoutPreloader.push(resource(spec.preload(), context), server.uri(), spec.repository(),
                    server.httpClient());
        }
        return served;
    }

    private static Map<String, String> settings(EmbeddedRegistry spec) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String setting : spec.settings()) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("@EmbeddedRegistry settings are key=value, got \"" + setting + "\"");
            }
            settings.put(setting.substring(0, eq), setting.substring(eq + 1));
        }
        return settings;
    }

    /**
     * Closes the registry and removes its temporary directory. Both AutoCloseable (what JUnit 5.13
     * and later close) and CloseableResource (what earlier versions close), so no version warns.
     */
    @SuppressWarnings("deprecation")
    private record Cleanup(AutoCloseable served, Path temporary)
            implements AutoCloseable, ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Exception {
            served.close();
            if (temporary != null) {
                try (Stream<Path> files = Files.walk(temporary)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static Path resource(String name, ExtensionContext context) {
        URL url = context.getRequiredTestClass().getClassLoader().getResource(name);
        if (url == null || !url.getProtocol().equals("file")) {
            throw new IllegalArgumentException("@EmbeddedRegistry(preload = \"" + name
                    + "\") must name a directory on the test classpath holding an OCI image layout");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
