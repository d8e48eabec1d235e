package org.diffusionlab.grading.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.implementation.MethodDelegation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;

/**
 * Makes the trusted JVM's copy of the lab classes: the pristine stubs, compiled, with every exercise
 * method's body replaced by a call into the sandbox ({@link Forward}). An exercise method is one
 * whose stub loads a {@code "TODO ..."} string constant (every stub throws
 * {@code UnsupportedOperationException("TODO x.y: ...")}), so the set follows the labs without a list
 * to maintain. Everything else — records, constructors, given helpers — stays the instructor's code.
 */
public final class TrustedClasses {

    private TrustedClasses() {}

    /** Class name -> the exercise methods it declares, as "name descriptor". */
    public static Map<String, Set<String>> exerciseMethods(Path labClasses) throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        for (Path file : classFiles(labClasses)) {
            ClassReader reader = new ClassReader(Files.readAllBytes(file));
            String name = reader.getClassName().replace('/', '.');
            reader.accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String method, String descriptor, String signature,
                                                 String[] exceptions) {
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitLdcInsn(Object value) {
                            if (value instanceof String s && s.startsWith("TODO ") && !method.startsWith("<")) {
                                out.computeIfAbsent(name, k -> new TreeSet<>()).add(method + " " + descriptor);
                            }
                        }
                    };
                }
            }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        }
        return out;
    }

    /** Every class name under the folder (the lab classes that may cross the channel by value). */
    public static Set<String> classNames(Path labClasses) throws IOException {
        Set<String> names = new TreeSet<>();
        for (Path file : classFiles(labClasses)) {
            String rel = labClasses.relativize(file).toString().replace('\\', '/');
            names.add(rel.substring(0, rel.length() - ".class".length()).replace('/', '.'));
        }
        return names;
    }

    /**
     * Copies the classes of {@code labClasses} to {@code out}, rewriting the exercise methods; returns
     * how many methods were rewritten. {@code loader} resolves the types the lab classes refer to.
     */
    public static int rewrite(Path labClasses, Path out, ClassLoader loader) throws IOException {
        Map<String, Set<String>> exercises = exerciseMethods(labClasses);
        for (Path file : classFiles(labClasses)) {
            Path target = out.resolve(labClasses.relativize(file).toString());
            Files.createDirectories(target.getParent());
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
        ClassFileLocator locator = new ClassFileLocator.Compound(new ClassFileLocator.ForFolder(labClasses.toFile()),
                ClassFileLocator.ForClassLoader.of(loader));
        TypePool pool = TypePool.Default.of(locator);
        int rewritten = 0;
        for (Map.Entry<String, Set<String>> e : exercises.entrySet()) {
            TypeDescription type = pool.describe(e.getKey()).resolve();
            ElementMatcher.Junction<MethodDescription> matcher = ElementMatchers.none();
            for (String m : e.getValue()) {
                String[] nameAndDescriptor = m.split(" ");
                matcher = matcher.or(ElementMatchers.<MethodDescription>named(nameAndDescriptor[0])
                        .and(ElementMatchers.hasDescriptor(nameAndDescriptor[1])));
                rewritten++;
            }
            new ByteBuddy().redefine(type, locator)
                    .method(matcher).intercept(MethodDelegation.to(Forward.class))
                    .make().saveIn(out.toFile());
        }
        return rewritten;
    }

    private static List<Path> classFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return new ArrayList<>(files.filter(f -> f.toString().endsWith(".class")).sorted().toList());
        }
    }
}
