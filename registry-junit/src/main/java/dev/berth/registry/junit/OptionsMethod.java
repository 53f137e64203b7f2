// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.junit;

import dev.berth.registry.core.Registry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Finds and calls the static factory that {@link EmbeddedRegistry#options()} names. */
final class OptionsMethod {
    private OptionsMethod() {
    }

    static Registry invoke(String name, Class<?> declaring, ExtensionContext context) throws Exception {
        Method method = find(name, declaring, context);
        method.setAccessible(true);
        Object made;
        try {
            made = method.invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        if (made instanceof Registry.Builder builder) {
            return builder.build();
        }
        if (made instanceof Registry registry) {
            return registry;
        }
        throw new IllegalArgumentException("@EmbeddedRegistry(options = \"" + name + "\"): " + method
                + " returned " + (made == null ? "null" : made.getClass().getName())
                + "; it must return a Registry.Builder or a Registry");
    }

    private static Method find(String name, Class<?> declaring, ExtensionContext context) throws ClassNotFoundException {
        int hash = name.indexOf('#');
        if (hash >= 0) {
            Class<?> owner = Class.forName(name.substring(0, hash), false,
                    context.getRequiredTestClass().getClassLoader());
            Method found = declared(owner, name.substring(hash + 1));
            if (found != null) {
                return found;
            }
        } else {
            // the declaring class, its superclasses, then the classes enclosing it (@Nested)
            for (Class<?> outer = declaring; outer != null; outer = outer.getEnclosingClass()) {
                for (Class<?> type = outer; type != null && type != Object.class; type = type.getSuperclass()) {
                    Method found = declared(type, name);
                    if (found != null) {
                        return found;
                    }
                }
            }
        }
        throw new IllegalArgumentException("@EmbeddedRegistry(options = \"" + name + "\"): no static method " + name
                + "() in " + declaring.getName() + ", its superclasses or enclosing classes; name one there or"
                + " write fully.qualified.Class#method");
    }

    private static Method declared(Class<?> type, String name) {
        for (Method method : type.getDeclaredMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == 0
                    && Modifier.isStatic(method.getModifiers())) {
                return method;
            }
        }
        return null;
    }
}
