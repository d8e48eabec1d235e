package org.diffusionlab.grading.wire;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;

/**
 * Exceptions as data: class name, message, stack frames and cause. The receiving side rebuilds a JDK
 * exception of the same class (so a grader's {@code assertThrows(IllegalArgumentException.class, ...)}
 * works) and anything else as a {@link RemoteException} naming the original class.
 */
public final class Throwables {

    private static final int MAX_MESSAGE = 4000;
    private static final int MAX_FRAMES = 64;
    private static final int MAX_CAUSES = 4;

    /** An exception of a class that is not rebuilt on this side. */
    public static final class RemoteException extends RuntimeException {
        private final String remoteClass;

        RemoteException(String className, String message) {
            super(className + (message == null ? "" : ": " + message));
            this.remoteClass = className;
        }

        /** Whether the other side threw a JVM error (out of memory, stack overflow, a linkage error). */
        public boolean isError() {
            return remoteClass.startsWith("java.lang.") && remoteClass.endsWith("Error");
        }
    }

    private Throwables() {}

    static void write(DataOutputStream out, Throwable t, int depth) throws IOException {
        out.writeUTF(t.getClass().getName());
        String message = String.valueOf(t.getMessage());
        out.writeBoolean(t.getMessage() != null);
        out.writeUTF(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + " …" : message);
        StackTraceElement[] frames = t.getStackTrace();
        int n = Math.min(frames.length, MAX_FRAMES);
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
            StackTraceElement f = frames[i];
            out.writeUTF(f.getClassName());
            out.writeUTF(f.getMethodName());
            out.writeUTF(f.getFileName() == null ? "" : f.getFileName());
            out.writeInt(f.getLineNumber());
        }
        boolean cause = t.getCause() != null && t.getCause() != t && depth < MAX_CAUSES;
        out.writeBoolean(cause);
        if (cause) {
            write(out, t.getCause(), depth + 1);
        }
    }

    static Throwable read(DataInputStream in) throws IOException {
        return read(in, 0);
    }

    private static Throwable read(DataInputStream in, int depth) throws IOException {
        if (depth > MAX_CAUSES) {
            throw new Peer.ProtocolException("an exception with more than " + MAX_CAUSES + " causes");
        }
        String className = in.readUTF();
        boolean hasMessage = in.readBoolean();
        String message = in.readUTF();
        int n = in.readInt();
        if (n < 0 || n > MAX_FRAMES) {
            throw new Peer.ProtocolException("an exception with " + n + " frames");
        }
        StackTraceElement[] frames = new StackTraceElement[n];
        for (int i = 0; i < n; i++) {
            String cls = in.readUTF();
            String method = in.readUTF();
            String file = in.readUTF();
            frames[i] = new StackTraceElement(cls, method, file.isEmpty() ? null : file, in.readInt());
        }
        Throwable cause = in.readBoolean() ? read(in, depth + 1) : null;
        Throwable t = rebuild(className, hasMessage ? message : null);
        t.setStackTrace(frames);
        if (cause != null) {
            try {
                t.initCause(cause);
            } catch (IllegalStateException alreadySet) {
                t.addSuppressed(cause);
            }
        }
        return t;
    }

    /**
     * A JDK exception of that class with that message, or a RemoteException naming it. Errors are never
     * rebuilt: an OutOfMemoryError thrown on the grader's side would abort its whole test run.
     */
    private static Throwable rebuild(String className, String message) {
        if (className.startsWith("java.")) {
            try {
                Class<?> c = Class.forName(className, false, Throwables.class.getClassLoader());
                if (Exception.class.isAssignableFrom(c)) {
                    Constructor<?> k = c.getConstructor(String.class);
                    return (Throwable) k.newInstance(message);
                }
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                // fall through
            }
        }
        return new RemoteException(className, message);
    }
}
