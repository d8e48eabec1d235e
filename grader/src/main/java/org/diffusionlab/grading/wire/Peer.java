package org.diffusionlab.grading.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * One end of the narrow channel between the trusted grader and the sandboxed worker that runs a
 * student's code. The protocol is synchronous and nested: a side that sent a {@link #CALL} waits for
 * its {@link #RETURN} or {@link #THROW}, and serves the other side's calls (callbacks) meanwhile.
 *
 * <p>Frames are {@code [int length][byte kind][payload]}. Values cross as data ({@link Codec}); what
 * cannot be copied (a grader's model, a lambda) crosses as a handle that the other side may call back
 * through the interfaces it was declared with. The rules on what a peer accepts are asymmetric
 * ({@link Rules}): the worker may only call back handles the trusted side lent it in the current call,
 * and the trusted side builds only the lab's own value classes from what the worker sends.
 */
public abstract class Peer {

    public static final int VERSION = 1;
    /** Largest frame either side accepts; larger lengths are a protocol error. */
    public static final int MAX_FRAME = 128 << 20;

    public static final byte HELLO = 1;
    public static final byte CALL = 2;
    public static final byte RETURN = 3;
    public static final byte THROW = 4;
    public static final byte GETSTATIC = 5;

    /** CALL targets. */
    public static final byte STATIC = 0;
    public static final byte INSTANCE = 1;
    public static final byte HANDLE = 2;

    /** Thrown when the other side breaks the protocol; the session is then unusable. */
    public static final class ProtocolException extends RuntimeException {
        public ProtocolException(String message) {
            super(message);
        }
    }

    protected final Codec codec;
    /** Messages and bytes this side sent, and calls it served (for the batch grader's statistics). */
    protected long framesSent, bytesSent, callsServed;
    /** Calls served, by "Interface.method" (for the statistics). */
    protected final java.util.Map<String, Integer> servedByMethod = new java.util.TreeMap<>();
    private final OutputStream out;
    private final boolean trusted;
    private int depth;

    /**
     * @param positiveIds true on the trusted side (see {@link Codec}; it also revokes lent handles)
     */
    protected Peer(Codec.Rules rules, boolean positiveIds, OutputStream out) {
        this.codec = new Codec(rules, this, positiveIds);
        this.out = out;
        this.trusted = positiveIds;
    }

    /** The next frame from the other side (kind byte first); may block, time out or throw on EOF. */
    protected abstract byte[] readFrame() throws IOException;

    /** Resolves the target of a call the other side made; throws if it is not allowed. */
    protected abstract Method resolve(byte target, String owner, int handle, String name, Class<?>[] types)
            throws ReflectiveOperationException;

    /**
     * The method {@code name(types)} of one of the allowed interfaces the object implements: a handle
     * is called only through the interfaces it was lent as.
     */
    protected final Method handleMethod(int handle, String name, Class<?>[] types) throws NoSuchMethodException {
        Object target = codec.exported(handle);
        Codec.Rules rules = codec.rules();
        for (Class<?> k = target.getClass(); k != null; k = k.getSuperclass()) {
            Method m = findIn(k.getInterfaces(), name, types, rules);
            if (m != null) {
                return m;
            }
        }
        throw new NoSuchMethodException(name + " is not a method of any interface this object was lent as");
    }

    private static Method findIn(Class<?>[] interfaces, String name, Class<?>[] types, Codec.Rules rules) {
        for (Class<?> i : interfaces) {
            if (rules.handleInterface(i.getName()) == i) {
                try {
                    return i.getMethod(name, types);
                } catch (NoSuchMethodException e) {
                    // try the next one
                }
            }
            Method m = findIn(i.getInterfaces(), name, types, rules);
            if (m != null) {
                return m;
            }
        }
        return null;
    }

    /**
     * When the outermost call returns, the trusted side revokes every handle it lent during it: a
     * reference object lent to student code is usable only during the call it was lent for.
     */
    private void outermostCallEnded() {
        if (trusted) {
            codec.revokeHandles();
        }
    }

    // ---------------------------------------------------------------- frames

    protected final synchronized void send(byte kind, Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream data = new DataOutputStream(bytes);
        data.writeByte(kind);
        body.write(data);
        data.flush();
        if (bytes.size() > MAX_FRAME) {
            throw new IOException("a message of " + bytes.size() + " bytes exceeds the channel's limit of " + MAX_FRAME);
        }
        framesSent++;
        bytesSent += bytes.size();
        DataOutputStream frame = new DataOutputStream(out);
        frame.writeInt(bytes.size());
        bytes.writeTo(frame);
        frame.flush();
    }

    /** Writes a payload. */
    @FunctionalInterface
    protected interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads one frame ({@code [int length][bytes]}), refusing a length outside 1..{@link #MAX_FRAME}. */
    protected static byte[] readFrame(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length <= 0 || length > MAX_FRAME) {
            throw new ProtocolException("a frame of " + length + " bytes");
        }
        byte[] frame = new byte[length];
        in.readFully(frame);
        return frame;
    }

    protected static DataInputStream payload(byte[] frame) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame));
        return in;
    }

    // ---------------------------------------------------------------- calls

    /**
     * Calls a method on the other side and waits for its answer, serving callbacks meanwhile. After
     * the call, {@code self} and {@code args} hold what the callee left in them (copy-back).
     */
    public final Object call(byte target, String owner, int handle, Method method, Object self, Object[] args)
            throws Throwable {
        Object[] a = args == null ? new Object[0] : args;
        depth++;
        try {
            send(CALL, out -> {
                out.writeByte(target);
                out.writeUTF(owner == null ? "" : owner);
                out.writeInt(handle);
                out.writeUTF(method.getName());
                Class<?>[] types = method.getParameterTypes();
                out.writeInt(types.length);
                for (Class<?> t : types) {
                    out.writeUTF(t.getName());
                }
                IdentityHashMap<Object, Integer> seen = new IdentityHashMap<>();
                codec.write(out, target == INSTANCE ? self : null, seen, 0);
                out.writeInt(a.length);
                for (Object arg : a) {
                    codec.write(out, arg, seen, 0);
                }
            });
            return awaitReply(self, a);
        } finally {
            if (--depth == 0) {
                outermostCallEnded();
            }
        }
    }

    /** Asks the worker for a static field's value (the reflections: text constants). */
    public final Object getStatic(String owner, String field) throws Throwable {
        depth++;
        try {
            send(GETSTATIC, out -> {
                out.writeUTF(owner);
                out.writeUTF(field);
            });
            return awaitReply(null, new Object[0]);
        } finally {
            if (--depth == 0) {
                outermostCallEnded();
            }
        }
    }

    private Object awaitReply(Object self, Object[] args) throws Throwable {
        while (true) {
            byte[] frame = readFrame();
            DataInputStream in = payload(frame);
            byte kind = in.readByte();
            switch (kind) {
                case RETURN -> {
                    List<Object> seen = new ArrayList<>();
                    Object result = codec.read(in, seen, 0);
                    Object selfAfter = codec.read(in, seen, 0);
                    int n = in.readInt();
                    if (n != args.length) {
                        throw new ProtocolException("a reply carried " + n + " arguments back, expected " + args.length);
                    }
                    for (int i = 0; i < n; i++) {
                        Object after = codec.read(in, seen, 0);
                        Merge.into(args[i], after);
                    }
                    if (self != null && selfAfter != null && selfAfter != self) {
                        Merge.into(self, selfAfter);
                    }
                    return result;
                }
                case THROW -> throw Throwables.read(in);
                case CALL -> serveCall(in);
                case GETSTATIC -> serveGetStatic(in);
                default -> throw new ProtocolException("unexpected message kind " + kind + " while waiting for a reply");
            }
        }
    }

    /** Runs one call from the other side and answers it. */
    protected final void serveCall(DataInputStream in) throws IOException {
        callsServed++;
        Object[] args;
        Object self;
        Method method;
        try {
            byte target = in.readByte();
            String owner = in.readUTF();
            int handle = in.readInt();
            String name = in.readUTF();
            int n = in.readInt();
            if (n < 0 || n > 255) {
                throw new ProtocolException("a call with " + n + " parameters");
            }
            Class<?>[] types = new Class<?>[n];
            for (int i = 0; i < n; i++) {
                types[i] = codec.rules().parameterType(in.readUTF());
            }
            method = resolve(target, owner, handle, name, types);
            servedByMethod.merge(method.getDeclaringClass().getSimpleName() + "." + name, 1, Integer::sum);
            List<Object> seen = new ArrayList<>();
            self = codec.read(in, seen, 0);
            int m = in.readInt();
            if (m != n) {
                throw new ProtocolException("a call with " + m + " arguments for " + n + " parameters");
            }
            args = new Object[n];
            for (int i = 0; i < n; i++) {
                args[i] = codec.read(in, seen, 0);
            }
            if (target == HANDLE) {
                self = codec.exported(handle);
            } else if (target == INSTANCE && self == null) {
                throw new ProtocolException("an instance call without its object");
            } else if (target == STATIC && !Modifier.isStatic(method.getModifiers())) {
                throw new ProtocolException("a static call of an instance method: " + name);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            reply(e);
            return;
        }
        Object result;
        try {
            result = method.invoke(self, args);
        } catch (InvocationTargetException e) {
            reply(e.getCause());
            return;
        } catch (Throwable e) {
            reply(e);
            return;
        }
        Object finalSelf = self;
        Object[] finalArgs = args;
        boolean sendSelf = !(method.getDeclaringClass().isInterface()) && !Modifier.isStatic(method.getModifiers());
        try {
            send(RETURN, out -> {
                IdentityHashMap<Object, Integer> seen = new IdentityHashMap<>();
                codec.write(out, result, seen, 0);
                codec.write(out, sendSelf ? finalSelf : null, seen, 0);
                out.writeInt(finalArgs.length);
                for (Object a : finalArgs) {
                    codec.write(out, Merge.isMutable(a) ? a : null, seen, 0);
                }
            });
        } catch (RuntimeException e) {
            reply(e);
        }
    }

    protected final void serveGetStatic(DataInputStream in) throws IOException {
        Object value;
        try {
            String owner = in.readUTF();
            String field = in.readUTF();
            value = staticField(owner, field);
        } catch (Throwable e) {
            reply(e);
            return;
        }
        send(RETURN, out -> {
            IdentityHashMap<Object, Integer> seen = new IdentityHashMap<>();
            codec.write(out, value, seen, 0);
            codec.write(out, null, seen, 0);
            out.writeInt(0);
        });
    }

    /** Only the worker answers GETSTATIC; the trusted side refuses. */
    protected Object staticField(String owner, String field) throws ReflectiveOperationException {
        throw new ProtocolException("GETSTATIC is not served here");
    }

    private void reply(Throwable t) throws IOException {
        send(THROW, out -> Throwables.write(out, t, 0));
    }

    /** Builds proxies for handles; each method call on a proxy is a CALL to the handle's owner. */
    final Object proxy(int id, List<Class<?>> interfaces) {
        ClassLoader loader = interfaces.isEmpty() ? Peer.class.getClassLoader() : interfaces.get(0).getClassLoader();
        if (loader == null) {
            loader = Peer.class.getClassLoader();
        }
        return Proxy.newProxyInstance(loader, interfaces.toArray(new Class<?>[0]), (proxy, method, args) -> {
            switch (method.getName()) {
                case "equals":
                    if (method.getParameterCount() == 1) {
                        return proxy == args[0];
                    }
                    break;
                case "hashCode":
                    if (method.getParameterCount() == 0) {
                        return System.identityHashCode(proxy);
                    }
                    break;
                case "toString":
                    if (method.getParameterCount() == 0) {
                        return "remote object #" + id;
                    }
                    break;
                default:
                    break;
            }
            return call(HANDLE, null, id, method, null, args);
        });
    }

    /** Names a set of classes for a HELLO message. */
    protected static void writeNames(DataOutputStream out, Set<String> names) throws IOException {
        out.writeInt(names.size());
        for (String n : names) {
            out.writeUTF(n);
        }
    }
}
