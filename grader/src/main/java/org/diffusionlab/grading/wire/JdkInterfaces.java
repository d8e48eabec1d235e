package org.diffusionlab.grading.wire;

import java.util.Map;

/** The JDK interfaces a handle may be called through, and parameter type names. */
public final class JdkInterfaces {

    private static final Map<String, Class<?>> PRIMITIVES = Map.of("double", double.class, "int", int.class,
            "long", long.class, "float", float.class, "boolean", boolean.class, "byte", byte.class,
            "short", short.class, "char", char.class, "void", void.class);

    private JdkInterfaces() {}

    /** RandomGenerator, the java.util.function interfaces, Runnable, Callable and Comparator. */
    public static boolean allowed(String name) {
        return name.equals("java.util.random.RandomGenerator") || name.startsWith("java.util.function.")
                || name.equals("java.lang.Runnable") || name.equals("java.util.concurrent.Callable")
                || name.equals("java.util.Comparator");
    }

    /** A class by its {@link Class#getName()}, primitives included. */
    public static Class<?> type(String name, ClassLoader loader) throws ClassNotFoundException {
        Class<?> p = PRIMITIVES.get(name);
        return p != null ? p : Class.forName(name, false, loader);
    }
}
