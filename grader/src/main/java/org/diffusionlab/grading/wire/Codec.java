package org.diffusionlab.grading.wire;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.ejml.data.DMatrixRMaj;
import org.ejml.simple.SimpleMatrix;

/**
 * Turns values into bytes and back. Scalars, strings, arrays, {@link SimpleMatrix}, collections, the
 * JDK's two seedable generators and the lab's own records, enums and classes cross by value; a lab
 * object keeps one identity across calls (an id both sides remember), so what the callee changes in it
 * is merged into the caller's object. Anything else crosses as a handle ({@link Peer#proxy}).
 *
 * <p>Reading never trusts a length: arrays are checked against the bytes left in the frame, nesting
 * is bounded, and classes are built only when {@link Rules} allows them.
 */
public final class Codec {

    private static final byte NULL = 0, BOOLEAN = 1, INT = 2, LONG = 3, DOUBLE = 4, FLOAT = 5, STRING = 6,
            SHORT = 7, BYTE = 8, CHAR = 9;
    private static final byte DOUBLES = 10, INTS = 11, LONGS = 12, FLOATS = 13, BOOLEANS = 14, BYTES = 15,
            OBJECTS = 16;
    private static final byte MATRIX = 20, LIST = 21, SET = 22, SORTED_SET = 23, MAP = 24, SORTED_MAP = 25;
    private static final byte RECORD = 30, OBJECT = 31, ENUM = 32;
    private static final byte HANDLE_OF_SENDER = 40, HANDLE_OF_RECEIVER = 41;
    private static final byte SPLITTABLE = 45, RANDOM = 46;
    private static final byte BACKREF = 50;

    private static final int MAX_DEPTH = 64;
    private static final int MAX_STRING = 1 << 20;

    /** What a side accepts from the other. */
    public interface Rules {
        /** May an object of this class cross by value (a lab class of the course)? */
        boolean isValueClass(String className);

        /** Loads a class the other side named as a value class, or throws if it is not one. */
        Class<?> valueClass(String className) throws ClassNotFoundException;

        /** Loads an interface a handle may be called through, or returns null to leave it out. */
        Class<?> handleInterface(String className);

        /** Loads a parameter type of a call ("double", "[D", "org.ejml.simple.SimpleMatrix", ...). */
        Class<?> parameterType(String name) throws ClassNotFoundException;
    }

    private final Rules rules;
    private final Peer peer;
    private final boolean positiveIds;

    private final List<Object> exported = new ArrayList<>();
    private final IdentityHashMap<Object, Integer> exportedIds = new IdentityHashMap<>();
    private final Map<Integer, Object> proxies = new HashMap<>();
    private final IdentityHashMap<Object, Integer> proxyIds = new IdentityHashMap<>();
    private final Map<Integer, Object> objects = new HashMap<>();
    private final IdentityHashMap<Object, Integer> objectIds = new IdentityHashMap<>();
    private int nextObjectId = 1;

    /**
     * @param positiveIds the trusted side numbers the lab objects it sends 1, 2, ...; the worker −1, −2, ...
     */
    public Codec(Rules rules, Peer peer, boolean positiveIds) {
        this.rules = rules;
        this.peer = peer;
        this.positiveIds = positiveIds;
    }

    Rules rules() {
        return rules;
    }

    /** The local object behind a handle this side lent, or a protocol error. */
    Object exported(int id) {
        if (id < 0 || id >= exported.size() || exported.get(id) == null) {
            throw new Peer.ProtocolException("handle #" + id + " is not (or no longer) lent to the other side");
        }
        return exported.get(id);
    }

    /** Forgets every handle lent so far: the other side can no longer call them. */
    public void revokeHandles() {
        for (int i = 0; i < exported.size(); i++) {
            exported.set(i, null);
        }
        exportedIds.clear();
    }

    // ---------------------------------------------------------------- writing

    void write(DataOutputStream out, Object v, IdentityHashMap<Object, Integer> seen, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("a value nested more than " + MAX_DEPTH + " levels deep cannot be sent");
        }
        if (v == null) {
            out.writeByte(NULL);
            return;
        }
        if (v instanceof Boolean b) {
            out.writeByte(BOOLEAN);
            out.writeBoolean(b);
            return;
        }
        if (v instanceof Integer i) {
            out.writeByte(INT);
            out.writeInt(i);
            return;
        }
        if (v instanceof Long l) {
            out.writeByte(LONG);
            out.writeLong(l);
            return;
        }
        if (v instanceof Double d) {
            out.writeByte(DOUBLE);
            out.writeDouble(d);
            return;
        }
        if (v instanceof Float f) {
            out.writeByte(FLOAT);
            out.writeFloat(f);
            return;
        }
        if (v instanceof Short s) {
            out.writeByte(SHORT);
            out.writeShort(s);
            return;
        }
        if (v instanceof Byte b) {
            out.writeByte(BYTE);
            out.writeByte(b);
            return;
        }
        if (v instanceof Character c) {
            out.writeByte(CHAR);
            out.writeChar(c);
            return;
        }
        if (v instanceof String s) {
            out.writeByte(STRING);
            writeString(out, s);
            return;
        }
        Integer back = seen.get(v);
        if (back != null) {
            out.writeByte(BACKREF);
            out.writeInt(back);
            return;
        }
        seen.put(v, seen.size());
        Class<?> c = v.getClass();
        if (Proxy.isProxyClass(c) && proxyIds.containsKey(v)) {
            out.writeByte(HANDLE_OF_RECEIVER);
            out.writeInt(proxyIds.get(v));
        } else if (c == SplittableRandom.class) {
            long[] state = Generators.splittableState((SplittableRandom) v);
            out.writeByte(SPLITTABLE);
            out.writeLong(state[0]);
            out.writeLong(state[1]);
        } else if (c == Random.class) {
            Generators.writeRandom(out, (Random) v);
        } else if (c.isArray()) {
            writeArray(out, v, seen, depth);
        } else if (v instanceof SimpleMatrix m) {
            if (!(m.getMatrix() instanceof DMatrixRMaj d)) {
                throw new IOException("only double matrices (DMatrixRMaj) can be sent, got " + m.getMatrix().getClass().getSimpleName());
            }
            out.writeByte(MATRIX);
            out.writeInt(d.numRows);
            out.writeInt(d.numCols);
            for (int i = 0; i < d.numRows * d.numCols; i++) {
                out.writeDouble(d.data[i]);
            }
        } else if (c.isEnum() && rules.isValueClass(c.getName())) {
            out.writeByte(ENUM);
            out.writeUTF(c.getName());
            out.writeUTF(((Enum<?>) v).name());
        } else if (c.getEnclosingClass() != null && c.getEnclosingClass().isEnum() && rules.isValueClass(c.getEnclosingClass().getName())) {
            out.writeByte(ENUM);
            out.writeUTF(c.getEnclosingClass().getName());
            out.writeUTF(((Enum<?>) v).name());
        } else if (c.isRecord() && rules.isValueClass(c.getName())) {
            out.writeByte(RECORD);
            out.writeUTF(c.getName());
            RecordComponent[] comps = c.getRecordComponents();
            out.writeInt(comps.length);
            for (RecordComponent rc : comps) {
                try {
                    var accessor = rc.getAccessor();
                    accessor.setAccessible(true);
                    write(out, accessor.invoke(v), seen, depth + 1);
                } catch (ReflectiveOperationException e) {
                    throw new IOException("cannot read record component " + rc.getName() + " of " + c.getName(), e);
                }
            }
        } else if (rules.isValueClass(c.getName()) && !c.isSynthetic() && !c.isHidden()) {
            writeObject(out, v, c, seen, depth);
        } else if (v instanceof SortedMap<?, ?> map) {
            writeMap(out, SORTED_MAP, map, seen, depth);
        } else if (v instanceof Map<?, ?> map) {
            writeMap(out, MAP, map, seen, depth);
        } else if (v instanceof List<?> list) {
            writeCollection(out, LIST, list, seen, depth);
        } else if (v instanceof SortedSet<?> set) {
            writeCollection(out, SORTED_SET, set, seen, depth);
        } else if (v instanceof Set<?> set) {
            writeCollection(out, SET, set, seen, depth);
        } else {
            writeHandle(out, v);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Comparable a, Object b) {
        try {
            return a.compareTo(b);
        } catch (ClassCastException e) {
            return 0; // keys of different kinds: not descending, natural order decides (and rejects) as before
        }
    }

    private void writeHandle(DataOutputStream out, Object v) throws IOException {
        List<String> names = new ArrayList<>();
        for (Class<?> k = v.getClass(); k != null; k = k.getSuperclass()) {
            collectInterfaces(k, names);
        }
        Integer id = exportedIds.get(v);
        if (id == null) {
            id = exported.size();
            exported.add(v);
            exportedIds.put(v, id);
        }
        out.writeByte(HANDLE_OF_SENDER);
        out.writeInt(id);
        out.writeInt(names.size());
        for (String n : names) {
            out.writeUTF(n);
        }
    }

    private static void collectInterfaces(Class<?> k, List<String> names) {
        for (Class<?> i : k.getInterfaces()) {
            if (!names.contains(i.getName())) {
                names.add(i.getName());
            }
            collectInterfaces(i, names);
        }
    }

    private void writeObject(DataOutputStream out, Object v, Class<?> c, IdentityHashMap<Object, Integer> seen, int depth)
            throws IOException {
        Integer id = objectIds.get(v);
        if (id == null) {
            id = positiveIds ? nextObjectId++ : -(nextObjectId++);
            objectIds.put(v, id);
            objects.put(id, v);
        }
        out.writeByte(OBJECT);
        out.writeUTF(c.getName());
        out.writeInt(id);
        List<Field> fields = instanceFields(c);
        out.writeInt(fields.size());
        for (Field f : fields) {
            out.writeUTF(f.getName());
            try {
                write(out, f.get(v), seen, depth + 1);
            } catch (IllegalAccessException e) {
                throw new IOException("cannot read field " + f.getName() + " of " + c.getName(), e);
            }
        }
    }

    private void writeMap(DataOutputStream out, byte tag, Map<?, ?> map, IdentityHashMap<Object, Integer> seen, int depth)
            throws IOException {
        out.writeByte(tag);
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        out.writeInt(entries.size());
        for (Map.Entry<?, ?> e : entries) {
            write(out, e.getKey(), seen, depth + 1);
            write(out, e.getValue(), seen, depth + 1);
        }
    }

    private void writeCollection(DataOutputStream out, byte tag, Collection<?> items, IdentityHashMap<Object, Integer> seen,
                                 int depth) throws IOException {
        out.writeByte(tag);
        List<?> list = new ArrayList<>(items);
        out.writeInt(list.size());
        for (Object o : list) {
            write(out, o, seen, depth + 1);
        }
    }

    private void writeArray(DataOutputStream out, Object v, IdentityHashMap<Object, Integer> seen, int depth) throws IOException {
        if (v instanceof double[] a) {
            out.writeByte(DOUBLES);
            out.writeInt(a.length);
            for (double x : a) {
                out.writeDouble(x);
            }
        } else if (v instanceof int[] a) {
            out.writeByte(INTS);
            out.writeInt(a.length);
            for (int x : a) {
                out.writeInt(x);
            }
        } else if (v instanceof long[] a) {
            out.writeByte(LONGS);
            out.writeInt(a.length);
            for (long x : a) {
                out.writeLong(x);
            }
        } else if (v instanceof float[] a) {
            out.writeByte(FLOATS);
            out.writeInt(a.length);
            for (float x : a) {
                out.writeFloat(x);
            }
        } else if (v instanceof boolean[] a) {
            out.writeByte(BOOLEANS);
            out.writeInt(a.length);
            for (boolean x : a) {
                out.writeBoolean(x);
            }
        } else if (v instanceof byte[] a) {
            out.writeByte(BYTES);
            out.writeInt(a.length);
            out.write(a);
        } else if (v instanceof Object[] a) {
            out.writeByte(OBJECTS);
            out.writeUTF(v.getClass().getComponentType().getName());
            out.writeInt(a.length);
            for (Object x : a) {
                write(out, x, seen, depth + 1);
            }
        } else {
            throw new IOException("arrays of " + v.getClass().getComponentType() + " cannot be sent");
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    // ---------------------------------------------------------------- reading

    Object read(DataInputStream in, List<Object> seen, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new Peer.ProtocolException("a value nested more than " + MAX_DEPTH + " levels deep");
        }
        byte tag = in.readByte();
        switch (tag) {
            case NULL:
                return null;
            case BOOLEAN:
                return in.readBoolean();
            case INT:
                return in.readInt();
            case LONG:
                return in.readLong();
            case DOUBLE:
                return in.readDouble();
            case FLOAT:
                return in.readFloat();
            case SHORT:
                return in.readShort();
            case BYTE:
                return in.readByte();
            case CHAR:
                return in.readChar();
            case STRING:
                return readString(in);
            case BACKREF: {
                int i = in.readInt();
                if (i < 0 || i >= seen.size()) {
                    throw new Peer.ProtocolException("a back-reference to value #" + i + " of " + seen.size());
                }
                return seen.get(i);
            }
            default:
                break;
        }
        int slot = seen.size();
        seen.add(null);
        Object v = readComposite(tag, in, seen, slot, depth);
        seen.set(slot, v);
        return v;
    }

    private Object readComposite(byte tag, DataInputStream in, List<Object> seen, int slot, int depth) throws IOException {
        switch (tag) {
            case HANDLE_OF_RECEIVER: {
                int id = in.readInt();
                return exported(id);
            }
            case HANDLE_OF_SENDER: {
                int id = in.readInt();
                int n = count(in, 64, 1);
                List<Class<?>> interfaces = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Class<?> k = rules.handleInterface(in.readUTF());
                    if (k != null && k.isInterface() && Modifier.isPublic(k.getModifiers())) {
                        interfaces.add(k);
                    }
                }
                Object p = proxies.get(id);
                if (p == null) {
                    p = peer.proxy(id, interfaces);
                    proxies.put(id, p);
                    proxyIds.put(p, id);
                }
                return p;
            }
            case SPLITTABLE:
                return Generators.splittable(in.readLong(), in.readLong());
            case RANDOM:
                return Generators.readRandom(in);
            case DOUBLES: {
                double[] a = new double[count(in, Integer.MAX_VALUE, 8)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = in.readDouble();
                }
                return a;
            }
            case INTS: {
                int[] a = new int[count(in, Integer.MAX_VALUE, 4)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = in.readInt();
                }
                return a;
            }
            case LONGS: {
                long[] a = new long[count(in, Integer.MAX_VALUE, 8)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = in.readLong();
                }
                return a;
            }
            case FLOATS: {
                float[] a = new float[count(in, Integer.MAX_VALUE, 4)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = in.readFloat();
                }
                return a;
            }
            case BOOLEANS: {
                boolean[] a = new boolean[count(in, Integer.MAX_VALUE, 1)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = in.readBoolean();
                }
                return a;
            }
            case BYTES: {
                byte[] a = new byte[count(in, Integer.MAX_VALUE, 1)];
                in.readFully(a);
                return a;
            }
            case OBJECTS: {
                Class<?> component = componentType(in.readUTF());
                int n = count(in, Integer.MAX_VALUE, 1);
                Object[] a = (Object[]) java.lang.reflect.Array.newInstance(component, n);
                seen.set(slot, a);
                for (int i = 0; i < n; i++) {
                    Object x = read(in, seen, depth + 1);
                    if (x != null && !component.isInstance(x)) {
                        throw new Peer.ProtocolException("a " + x.getClass().getName() + " in an array of " + component.getName());
                    }
                    a[i] = x;
                }
                return a;
            }
            case MATRIX: {
                int rows = in.readInt();
                int cols = in.readInt();
                if (rows < 0 || cols < 0 || (long) rows * cols * 8 > in.available()) {
                    throw new Peer.ProtocolException("a " + rows + " x " + cols + " matrix longer than its message");
                }
                DMatrixRMaj d = new DMatrixRMaj(rows, cols);
                for (int i = 0; i < rows * cols; i++) {
                    d.data[i] = in.readDouble();
                }
                return SimpleMatrix.wrap(d);
            }
            case LIST: {
                int n = count(in, Integer.MAX_VALUE, 1);
                List<Object> list = new ArrayList<>(n);
                seen.set(slot, list);
                for (int i = 0; i < n; i++) {
                    list.add(read(in, seen, depth + 1));
                }
                return list;
            }
            case SET:
            case SORTED_SET: {
                int n = count(in, Integer.MAX_VALUE, 1);
                Set<Object> set = tag == SET ? new LinkedHashSet<>() : new TreeSet<>();
                seen.set(slot, set);
                for (int i = 0; i < n; i++) {
                    set.add(read(in, seen, depth + 1));
                }
                return set;
            }
            case MAP: {
                int n = count(in, Integer.MAX_VALUE, 2);
                Map<Object, Object> map = new LinkedHashMap<>();
                seen.set(slot, map);
                for (int i = 0; i < n; i++) {
                    Object k = read(in, seen, depth + 1);
                    map.put(k, read(in, seen, depth + 1));
                }
                return map;
            }
            case SORTED_MAP: {
                int n = count(in, Integer.MAX_VALUE, 2);
                // The order is part of the value (e.g. snapshots kept largest t first): the entries arrive in the
                // sender's order, and keys in descending natural order get a reverse-ordered map, as the sender's was.
                TreeMap<Object, Object> map = new TreeMap<>();
                seen.set(slot, map);
                List<Object> keys = new ArrayList<>(), values = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    keys.add(read(in, seen, depth + 1));
                    values.add(read(in, seen, depth + 1));
                }
                boolean descending = n > 1;
                for (int i = 1; i < n && descending; i++) {
                    descending = keys.get(i - 1) instanceof Comparable<?> c && keys.get(i) != null
                            && compare(c, keys.get(i)) > 0;
                }
                Map<Object, Object> target = descending ? new TreeMap<>(Collections.reverseOrder()) : map;
                for (int i = 0; i < n; i++) {
                    target.put(keys.get(i), values.get(i));
                }
                if (target != map) {
                    seen.set(slot, target);
                }
                return target;
            }
            case ENUM: {
                Class<?> c = valueClassChecked(in.readUTF());
                String name = in.readUTF();
                for (Object constant : c.getEnumConstants() == null ? new Object[0] : c.getEnumConstants()) {
                    if (((Enum<?>) constant).name().equals(name)) {
                        return constant;
                    }
                }
                throw new Peer.ProtocolException("no constant " + name + " in " + c.getName());
            }
            case RECORD:
                return readRecord(in, seen, depth);
            case OBJECT:
                return readObject(in, seen, slot, depth);
            default:
                throw new Peer.ProtocolException("unknown value tag " + tag);
        }
    }

    private Object readRecord(DataInputStream in, List<Object> seen, int depth) throws IOException {
        Class<?> c = valueClassChecked(in.readUTF());
        if (!c.isRecord()) {
            throw new Peer.ProtocolException(c.getName() + " is not a record here");
        }
        RecordComponent[] comps = c.getRecordComponents();
        int n = in.readInt();
        if (n != comps.length) {
            throw new Peer.ProtocolException("record " + c.getName() + " sent with " + n + " components, it has " + comps.length);
        }
        Object[] values = new Object[n];
        Class<?>[] types = new Class<?>[n];
        for (int i = 0; i < n; i++) {
            values[i] = read(in, seen, depth + 1);
            types[i] = comps[i].getType();
        }
        try {
            Constructor<?> canonical = c.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return canonical.newInstance(values);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new IllegalArgumentException("building " + c.getSimpleName() + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            throw new Peer.ProtocolException("cannot build record " + c.getName() + ": " + e);
        }
    }

    private Object readObject(DataInputStream in, List<Object> seen, int slot, int depth) throws IOException {
        Class<?> c = valueClassChecked(in.readUTF());
        int id = in.readInt();
        Object target = objects.get(id);
        if (target != null && target.getClass() != c) {
            throw new Peer.ProtocolException("object #" + id + " is a " + target.getClass().getName() + ", not a " + c.getName());
        }
        boolean fresh = target == null;
        if (fresh) {
            if (id == 0 || (id > 0) == positiveIds) {
                // a new object must carry an id from the other side's range
                throw new Peer.ProtocolException("object id " + id + " was never sent");
            }
            target = Generators.allocate(c);
            objects.put(id, target);
            objectIds.put(target, id);
        }
        seen.set(slot, target);
        Map<String, Field> byName = new HashMap<>();
        for (Field f : instanceFields(c)) {
            byName.putIfAbsent(f.getName(), f);
        }
        int n = count(in, 4096, 1);
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            Object value = read(in, seen, depth + 1);
            Field f = byName.get(name);
            if (f == null) {
                continue; // a field this side's version of the class does not have
            }
            try {
                Object current = f.get(target);
                Object merged = fresh ? value : Merge.into(current, value);
                if (merged != current) {
                    f.set(target, merged);
                }
            } catch (IllegalAccessException | IllegalArgumentException e) {
                throw new Peer.ProtocolException("field " + name + " of " + c.getName() + ": " + e.getMessage());
            }
        }
        return target;
    }

    private Class<?> valueClassChecked(String name) throws IOException {
        try {
            return rules.valueClass(name);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new Peer.ProtocolException("class " + name + " may not cross the channel: " + e.getMessage());
        }
    }

    private Class<?> componentType(String name) throws IOException {
        switch (name) {
            case "java.lang.Object":
                return Object.class;
            case "java.lang.String":
                return String.class;
            case "java.lang.Double":
                return Double.class;
            case "java.lang.Integer":
                return Integer.class;
            case "org.ejml.simple.SimpleMatrix":
                return SimpleMatrix.class;
            default:
                break;
        }
        if (name.startsWith("[")) {
            try {
                Class<?> c = rules.parameterType(name);
                return c;
            } catch (ClassNotFoundException e) {
                throw new Peer.ProtocolException("arrays of " + name + " cannot cross the channel");
            }
        }
        if (rules.isValueClass(name)) {
            return valueClassChecked(name);
        }
        Class<?> i = rules.handleInterface(name);
        if (i != null) {
            return i;
        }
        throw new Peer.ProtocolException("arrays of " + name + " cannot cross the channel");
    }

    /** A length that the rest of the message can hold ({@code minBytes} per element). */
    private static int count(DataInputStream in, int max, int minBytes) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max || (long) n * minBytes > in.available()) {
            throw new Peer.ProtocolException("a length of " + n + " with " + in.available() + " bytes left in the message");
        }
        return n;
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = count(in, MAX_STRING, 1);
        byte[] utf8 = new byte[n];
        in.readFully(utf8);
        return new String(utf8, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Every non-static field of c and its superclasses below Object, made accessible. */
    static List<Field> instanceFields(Class<?> c) {
        List<Field> out = new ArrayList<>();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && !f.isSynthetic()) {
                    f.setAccessible(true);
                    out.add(f);
                }
            }
        }
        return out;
    }
}
