package org.diffusionlab.grading.wire;

import java.util.Set;

/**
 * What either side accepts from the other: the lab classes the trusted side named (by value, and as
 * interfaces of handles) and the JDK's functional interfaces, loaded by {@code loader} — on the
 * trusted side the pristine lab classes, in the worker the student's.
 */
public final class LabClassRules implements Codec.Rules {

    private final Set<String> labClasses;
    private final ClassLoader loader;

    public LabClassRules(Set<String> labClasses, ClassLoader loader) {
        this.labClasses = Set.copyOf(labClasses);
        this.loader = loader;
    }

    @Override
    public boolean isValueClass(String className) {
        return labClasses.contains(className);
    }

    @Override
    public Class<?> valueClass(String className) throws ClassNotFoundException {
        if (!labClasses.contains(className)) {
            throw new ClassNotFoundException(className + " is not a lab class");
        }
        return Class.forName(className, true, loader);
    }

    @Override
    public Class<?> handleInterface(String className) {
        if (!labClasses.contains(className) && !JdkInterfaces.allowed(className)) {
            return null;
        }
        try {
            return Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    @Override
    public Class<?> parameterType(String name) throws ClassNotFoundException {
        return JdkInterfaces.type(name, loader);
    }
}
