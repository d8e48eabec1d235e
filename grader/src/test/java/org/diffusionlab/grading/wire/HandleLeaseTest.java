package org.diffusionlab.grading.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.Set;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A reference object the grader lends to student code is usable during that call only: a student
 * who keeps it (in a static field) to call it from a later exercise finds it revoked. The two peers
 * talk over in-memory pipes, the worker side on its own thread, exactly as over a process's pipes.
 */
class HandleLeaseTest {

    /** The "student" code on the worker side. */
    public static final class Student {
        static IntSupplier stashed;

        public static int useNow(IntSupplier lent) {
            stashed = lent;
            return lent.getAsInt() + 1;
        }

        public static int useLater() {
            return stashed.getAsInt();
        }
    }

    static final class End extends Peer {
        private final DataInputStream in;
        private final boolean trusted;

        End(InputStream in, OutputStream out, boolean trusted) {
            super(new LabClassRules(Set.of(), HandleLeaseTest.class.getClassLoader()), trusted, out);
            this.in = new DataInputStream(in);
            this.trusted = trusted;
        }

        @Override
        protected byte[] readFrame() throws IOException {
            return readFrame(in);
        }

        @Override
        protected Method resolve(byte target, String owner, int handle, String name, Class<?>[] types)
                throws ReflectiveOperationException {
            if (target == HANDLE) {
                return handleMethod(handle, name, types);
            }
            if (trusted || !owner.equals(Student.class.getName())) {
                throw new ProtocolException("not allowed: " + owner);
            }
            return Student.class.getDeclaredMethod(name, types);
        }

        void serveForever() {
            try {
                while (true) {
                    DataInputStream msg = payload(readFrame());
                    if (msg.readByte() == CALL) {
                        serveCall(msg);
                    }
                }
            } catch (EOFException | java.nio.channels.ClosedChannelException done) {
                // the trusted side closed the pipe
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Test
    @DisplayName("a lent reference works during its call and is revoked after it")
    void lentHandlesAreRevoked() throws Throwable {
        Pipe toWorker = Pipe.open();
        Pipe toTrusted = Pipe.open();
        End worker = new End(Channels.newInputStream(toWorker.source()), Channels.newOutputStream(toTrusted.sink()), false);
        End trusted = new End(Channels.newInputStream(toTrusted.source()), Channels.newOutputStream(toWorker.sink()), true);
        Thread t = new Thread(worker::serveForever, "worker");
        t.setDaemon(true);
        t.start();
        try {
            IntSupplier reference = () -> 41;
            Object now = trusted.call(Peer.STATIC, Student.class.getName(), -1,
                    Student.class.getMethod("useNow", IntSupplier.class), null, new Object[] {reference});
            assertEquals(42, now, "the lent reference answers during the call it was lent for");

            Throwable later = assertThrows(Throwable.class, () -> trusted.call(Peer.STATIC, Student.class.getName(), -1,
                    Student.class.getMethod("useLater"), null, new Object[0]));
            assertTrue(String.valueOf(later.getMessage()).contains("no longer) lent"),
                    "a stashed reference must be dead after its call: " + later);
        } finally {
            toWorker.sink().close();
        }
    }
}
