package org.diffusionlab.grading.wire;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The sandboxed side: runs inside bubblewrap with only the JDK, EJML, this package and the student's
 * compiled lab classes on its class path — no grader, no reference implementation, no grading engine.
 * It answers the trusted grader's calls on stdin/stdout; the student's console output goes to stderr.
 * Never run by hand.
 */
public final class Worker extends Peer {

    private final DataInputStream in;
    private final Set<String> labClasses;

    private Worker(DataInputStream in, OutputStream out, Set<String> labClasses, ClassLoader loader) {
        super(new LabClassRules(labClasses, loader), false, out);
        this.in = in;
        this.labClasses = labClasses;
    }

    public static void main(String[] args) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16));
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.setOut(console);
        System.setErr(console);
        System.setIn(new ByteArrayInputStream(new byte[0]));

        byte[] hello = readFrame(in);
        DataInputStream h = payload(hello);
        if (h.readByte() != HELLO || h.readInt() != VERSION) {
            throw new IOException("the grader speaks another protocol version");
        }
        int n = h.readInt();
        Set<String> labClasses = new HashSet<>();
        for (int i = 0; i < n; i++) {
            labClasses.add(h.readUTF());
        }
        Worker worker = new Worker(in, out, labClasses, Worker.class.getClassLoader());
        worker.send(HELLO, o -> o.writeInt(VERSION));
        while (true) {
            byte[] frame;
            try {
                frame = worker.readFrame();
            } catch (EOFException closed) {
                return; // the grader is done
            }
            DataInputStream msg = payload(frame);
            byte kind = msg.readByte();
            switch (kind) {
                case CALL -> worker.serveCall(msg);
                case GETSTATIC -> worker.serveGetStatic(msg);
                default -> throw new ProtocolException("unexpected message kind " + kind);
            }
        }
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
        if (!labClasses.contains(owner)) {
            throw new ProtocolException(owner + " is not a lab class");
        }
        Class<?> c = Class.forName(owner, true, Worker.class.getClassLoader());
        Method m;
        try {
            m = c.getDeclaredMethod(name, types);
        } catch (NoSuchMethodException e) {
            StringBuilder params = new StringBuilder();
            for (Class<?> t : types) {
                params.append(params.length() == 0 ? "" : ", ").append(t.getSimpleName());
            }
            throw new NoSuchMethodException("your " + c.getSimpleName() + " has no method " + name + "(" + params
                    + "): did you change its signature? Keep the one the lab gives");
        }
        m.setAccessible(true);
        return m;
    }

    @Override
    protected Object staticField(String owner, String field) throws ReflectiveOperationException {
        if (!labClasses.contains(owner)) {
            throw new ProtocolException(owner + " is not a lab class");
        }
        Field f = Class.forName(owner, true, Worker.class.getClassLoader()).getDeclaredField(field);
        if (!Modifier.isStatic(f.getModifiers())) {
            throw new NoSuchFieldException(field + " is not static");
        }
        f.setAccessible(true);
        return f.get(null);
    }
}
