package org.diffusionlab.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the command line in a child JVM that has {@code --add-modules jdk.incubator.vector}, so that
 * the main job gets the fast trainer's and the fast convolution's Vector API kernels
 * ({@code src/main/vector}) without the student passing a flag, and without the JVM's
 * "Using incubator modules" warning, which the child prints at start and this class drops.
 *
 * <p>Why a child JVM: the module must be given when a JVM starts, and the README's command
 * ({@code mvn -q -pl src compile exec:java}) runs the CLI inside Maven's JVM, which has not got it.
 * The child gets this JVM's class path (the exec plugin's class loader's, since Maven's own
 * {@code java.class.path} is its launcher), its heap, GC and logging options, the same stdin and
 * stdout (so the progress bar still sees a terminal), and a filtered stderr; this JVM waits and
 * exits with the child's status, and stops the child if it is stopped itself.
 *
 * <p>Not relaunched: when this JVM already has the module (the tests, {@code bench/}), when the JDK
 * has no such module, when the vector classes were not compiled (an IDE build of
 * {@code src/main/java} only), when a debugger agent is attached to this JVM ({@code mvnDebug}:
 * its breakpoints would never be reached in the child), or with {@code -Ddiffusionlab.relaunch=false}. Results do not depend
 * on it: the kernels agree with the plain ones to float rounding (their tests), only the speed does.
 */
final class VectorRelaunch {

    static final String MODULE = "jdk.incubator.vector";
    /** The one line the child's JVM prints for the module; nothing else is filtered. */
    static final String WARNING = "WARNING: Using incubator modules: " + MODULE;

    private VectorRelaunch() {}

    /** Whether {@link #run} should be used for this JVM (see the class comment). */
    static boolean wanted() {
        return !"false".equals(System.getProperty("diffusionlab.relaunch"))
                && ModuleLayer.boot().findModule(MODULE).isEmpty()
                && ModuleFinder.ofSystem().find(MODULE).isPresent()
                && VectorRelaunch.class.getClassLoader().getResource("org/diffusionlab/train/fast/VectorKernels.class") != null
                && ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .noneMatch(a -> a.startsWith("-agentlib:jdwp") || a.startsWith("-Xrunjdwp") || a.equals("-Xdebug"));
    }

    /**
     * Runs {@code mainClass} with {@code args} in a child JVM with the module and returns its exit
     * status, or −1 when the child could not be started (the caller then runs in this JVM).
     */
    static int run(Class<?> mainClass, String[] args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-modules");
        command.add(MODULE);
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (option.startsWith("-Xm") || option.startsWith("-Xs") || option.startsWith("-Xlog") || option.startsWith("-XX:")) {
                command.add(option);
            }
        }
        command.add("-cp");
        command.add(classPath(mainClass));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        Process child;
        try {
            child = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            return -1;
        }
        Thread stopChild = new Thread(child::destroy);
        Runtime.getRuntime().addShutdownHook(stopChild);
        Thread errors = new Thread(() -> copyErrors(child));
        errors.start();
        try {
            int status = child.waitFor();
            errors.join();
            Runtime.getRuntime().removeShutdownHook(stopChild);
            return status;
        } catch (InterruptedException e) {
            child.destroy();
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** The child's stderr, line by line, to this JVM's, without {@link #WARNING}. */
    private static void copyErrors(Process child) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getErrorStream(), Charset.defaultCharset()))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.equals(WARNING)) System.err.println(line);
            }
        } catch (IOException e) {
            // the child is gone; its exit status says the rest
        }
    }

    /**
     * The class path that loaded {@code mainClass}: its class loader's URLs when it has them (the
     * exec plugin's), else {@code java.class.path}.
     */
    static String classPath(Class<?> mainClass) {
        List<String> entries = new ArrayList<>();
        for (ClassLoader l = mainClass.getClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    try {
                        if (url.getProtocol().equals("file")) entries.add(Path.of(url.toURI()).toString());
                    } catch (URISyntaxException | IllegalArgumentException e) {
                        // not a local file: the child cannot use it either
                    }
                }
            }
        }
        return entries.isEmpty() ? System.getProperty("java.class.path") : String.join(File.pathSeparator, entries);
    }
}
