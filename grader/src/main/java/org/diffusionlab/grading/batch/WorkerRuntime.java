package org.diffusionlab.grading.batch;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.diffusionlab.grading.wire.Worker;

/**
 * Lays out what the sandboxed worker may load besides the student's classes: the wire package (the
 * protocol, nothing of the grading engine or the reference) in {@code classes/}, and EJML's jars in
 * {@code lib/}. The core library is deliberately absent: no route leads from student code to it.
 */
final class WorkerRuntime {

    static final String WIRE = Worker.class.getPackageName().replace('.', '/') + "/";

    private WorkerRuntime() {}

    static void write(Path runtime, String classpath) throws IOException {
        Path classes = Files.createDirectories(runtime.resolve("classes"));
        Path lib = Files.createDirectories(runtime.resolve("lib"));
        Path source;
        try {
            source = Path.of(Worker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if (Files.isDirectory(source)) {
            try (Stream<Path> files = Files.list(source.resolve(WIRE))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    Path target = classes.resolve(WIRE).resolve(f.getFileName().toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } else {
            try (JarFile jar = new JarFile(source.toFile())) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    JarEntry entry = e.nextElement();
                    String name = entry.getName();
                    if (name.startsWith(WIRE) && name.endsWith(".class") && name.indexOf('/', WIRE.length()) < 0) {
                        Path target = classes.resolve(name);
                        Files.createDirectories(target.getParent());
                        try (InputStream in = jar.getInputStream(entry)) {
                            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            }
        }
        int jars = 0;
        for (String entry : classpath.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (p.getFileName() != null && p.getFileName().toString().startsWith("ejml-") && entry.endsWith(".jar")) {
                Files.copy(p, lib.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                jars++;
            }
        }
        if (jars == 0) {
            throw new IllegalStateException("no EJML jar on the grading class path: the worker could not run lab code");
        }
    }
}
