// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.jetty;

import dev.berth.registry.core.Registry;
import dev.berth.registry.spi.StorageConfig;
import dev.berth.registry.spi.StorageProvider;
import java.io.IOException;
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
public final class BerthExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BerthExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        for (Field field : context.getRequiredTestClass().getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.isAnnotationPresent(EmbeddedRegistry.class)) {
                inject(field, null, context);
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Object instance = context.getRequiredTestInstance();
        for (Field field : instance.getClass().getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) && field.isAnnotationPresent(EmbeddedRegistry.class)) {
                inject(field, instance, context);
            }
        }
    }

    private static void inject(Field field, Object instance, ExtensionContext context) throws Exception {
        if (!field.getType().isAssignableFrom(BerthServer.class)) {
            throw new IllegalStateException("@EmbeddedRegistry field " + field + " must be of type BerthServer");
        }
        field.setAccessible(true);
        field.set(instance, start(field.getAnnotation(EmbeddedRegistry.class), context));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.isAnnotated(EmbeddedRegistry.class)
                && parameter.getParameter().getType().isAssignableFrom(BerthServer.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            return start(parameter.findAnnotation(EmbeddedRegistry.class).orElseThrow(), context);
        } catch (IOException | InterruptedException e) {
            throw new ParameterResolutionException("could not start the embedded registry", e);
        }
    }

    /** Starts a registry whose lifetime is {@code context}'s (class or method). */
    private static BerthServer start(EmbeddedRegistry spec, ExtensionContext context)
            throws IOException, InterruptedException {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String setting : spec.settings()) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("@EmbeddedRegistry settings are key=value, got \"" + setting + "\"");
            }
            settings.put(setting.substring(0, eq), setting.substring(eq + 1));
        }
        Path temporary = null;
        if (spec.storage().equals("disk") && !settings.containsKey("root")) {
            temporary = Files.createTempDirectory("berth-test-");
            settings.put("root", temporary.toString());
        }
        BerthServer server = BerthServer.start(Registry.builder()
                .storage(StorageProvider.named(spec.storage()).open(StorageConfig.of(settings))).build());
        Path cleanup = temporary;
        context.getStore(NAMESPACE).put(new Object(), (ExtensionContext.Store.CloseableResource) () -> {
            server.close();
            if (cleanup != null) {
                try (Stream<Path> files = Files.walk(cleanup)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        });
        if (!spec.preload().isEmpty()) {
            LayoutPreloader.push(resource(spec.preload(), context), server.uri(), spec.repository());
        }
        return server;
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
