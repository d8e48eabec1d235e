package org.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The child JVM of the main command: it has the module, its status comes back, its stderr arrives without the incubator warning. */
class VectorRelaunchTest {

    /** The child's main: exit status 7 when it has the Vector API module, 3 when not. */
    public static final class Probe {
        public static void main(String[] args) {
            System.err.println("probe says " + args[0]);
            System.exit(ModuleLayer.boot().findModule(VectorRelaunch.MODULE).isPresent() ? 7 : 3);
        }
    }

    @Test
    @DisplayName("the relaunched child has the Vector API module, returns its exit status, and its stderr arrives without the incubator warning")
    void childHasModuleAndWarningIsDropped() throws Exception {
        // precondition: a JVM started with the module prints the warning (else the filter is untested)
        Process raw = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules",
                VectorRelaunch.MODULE, "-cp", VectorRelaunch.classPath(Probe.class), Probe.class.getName(), "raw").start();
        String rawErr = new String(raw.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(7, raw.waitFor());
        assertTrue(rawErr.contains(VectorRelaunch.WARNING), "the JVM printed: " + rawErr);

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int status;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            status = VectorRelaunch.run(Probe.class, new String[] {"hello"});
        } finally {
            System.setErr(original);
        }
        String err = captured.toString(StandardCharsets.UTF_8);
        assertEquals(7, status, "exit status of a child with the module");
        assertTrue(err.contains("probe says hello"), "the child's own stderr lines pass: " + err);
        assertFalse(err.contains("incubator"), "the warning is dropped: " + err);
    }

    @Test
    @DisplayName("no relaunch when this JVM already has the module (the tests run with it)")
    void notWantedWithModule() {
        assertTrue(ModuleLayer.boot().findModule(VectorRelaunch.MODULE).isPresent(), "src/pom.xml runs the tests with the module");
        assertFalse(VectorRelaunch.wanted());
    }
}
