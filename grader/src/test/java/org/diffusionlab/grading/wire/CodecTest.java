package org.diffusionlab.grading.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The channel's value codec: what crosses by value comes back equal (and a generator continues its
 * sequence), copy-back merges in place, and bytes from the other side — which may be hostile — are
 * refused with a protocol error instead of building arbitrary classes or allocating what a length
 * claims.
 */
class CodecTest {

    /** A lab-like value class for the test (allowed by the rules below). */
    record Pair(SimpleMatrix m, int[] counts) {}

    static final class Counter {
        int calls;
        SimpleMatrix state;
    }

    static final class Rules implements Codec.Rules {
        final Set<String> values = Set.of(Pair.class.getName(), Counter.class.getName());

        @Override
        public boolean isValueClass(String className) {
            return values.contains(className);
        }

        @Override
        public Class<?> valueClass(String className) throws ClassNotFoundException {
            if (!values.contains(className)) {
                throw new ClassNotFoundException(className);
            }
            return Class.forName(className);
        }

        @Override
        public Class<?> handleInterface(String className) {
            return JdkInterfaces.allowed(className) ? load(className) : null;
        }

        private static Class<?> load(String name) {
            try {
                return Class.forName(name);
            } catch (ClassNotFoundException e) {
                return null;
            }
        }

        @Override
        public Class<?> parameterType(String name) throws ClassNotFoundException {
            return JdkInterfaces.type(name, CodecTest.class.getClassLoader());
        }
    }

    static final class TestPeer extends Peer {
        TestPeer(boolean positive) {
            super(new Rules(), positive, OutputStream.nullOutputStream());
        }

        @Override
        protected byte[] readFrame() {
            throw new UnsupportedOperationException();
        }

        @Override
        protected Method resolve(byte target, String owner, int handle, String name, Class<?>[] types) {
            throw new UnsupportedOperationException();
        }
    }

    static byte[] write(Codec codec, Object v) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        codec.write(out, v, new IdentityHashMap<>(), 0);
        out.flush();
        return bytes.toByteArray();
    }

    static Object read(Codec codec, byte[] bytes) throws IOException {
        return codec.read(new DataInputStream(new ByteArrayInputStream(bytes)), new ArrayList<>(), 0);
    }

    @Test
    @DisplayName("values cross unchanged: matrices, arrays, collections, records, aliasing within a message")
    void roundTrip() throws IOException {
        Codec a = new TestPeer(true).codec;
        Codec b = new TestPeer(false).codec;
        SimpleMatrix m = new SimpleMatrix(new double[][] {{1, 2.5}, {-3, Double.NaN}});
        TreeMap<Integer, SimpleMatrix> snapshots = new TreeMap<>(Map.of(3, m, 1, m));
        List<Object> value = List.of(m, new double[] {1, Double.POSITIVE_INFINITY}, new int[] {7}, new double[][] {{1}, {2, 3}},
                "ε̂ text", 42L, 1.5f, snapshots, new Pair(m, new int[] {1, 2}));
        @SuppressWarnings("unchecked")
        List<Object> got = (List<Object>) read(b, write(a, value));
        SimpleMatrix m2 = (SimpleMatrix) got.get(0);
        assertTrue(m2.isIdentical(m, 0));
        assertArrayEquals(new double[] {1, Double.POSITIVE_INFINITY}, (double[]) got.get(1));
        assertArrayEquals(new double[][] {{1}, {2, 3}}, (double[][]) got.get(3));
        assertEquals("ε̂ text", got.get(4));
        assertEquals(42L, got.get(5));
        assertInstanceOf(TreeMap.class, got.get(7), "a sorted map stays sorted");
        assertSame(m2, ((TreeMap<?, ?>) got.get(7)).get(3), "aliases within a message stay aliases");
        assertSame(m2, ((Pair) got.get(8)).m());
    }

    @Test
    @DisplayName("a sorted map keeps its order: largest key first stays largest first, smallest first stays smallest first")
    void sortedMapOrder() throws IOException {
        Codec a = new TestPeer(true).codec;
        Codec b = new TestPeer(false).codec;
        TreeMap<Integer, String> largestFirst = new TreeMap<>(java.util.Collections.reverseOrder());
        largestFirst.putAll(Map.of(20, "x20", 5, "x5", 0, "x0"));
        TreeMap<Integer, String> smallestFirst = new TreeMap<>(Map.of(20, "x20", 5, "x5", 0, "x0"));
        assertEquals(List.of(20, 5, 0), List.copyOf(((java.util.SortedMap<?, ?>) read(b, write(a, largestFirst))).keySet()));
        assertEquals(List.of(0, 5, 20), List.copyOf(((java.util.SortedMap<?, ?>) read(b, write(a, smallestFirst))).keySet()));
        assertEquals("x5", ((java.util.SortedMap<?, ?>) read(b, write(a, largestFirst))).get(5));
    }

    @Test
    @DisplayName("a generator crosses by state: both sides continue the same sequence")
    void generatorsByState() throws IOException {
        Codec a = new TestPeer(true).codec;
        SplittableRandom r = new SplittableRandom(7);
        r.nextGaussian();
        SplittableRandom copy = (SplittableRandom) read(a, write(a, r));
        assertEquals(r.nextGaussian(), copy.nextGaussian());
        Random j = new Random(11);
        j.nextGaussian();
        Random jcopy = (Random) read(a, write(a, j));
        assertEquals(j.nextGaussian(), jcopy.nextGaussian(), "java.util.Random keeps its cached second Gaussian");
        // copy-back: the caller's generator continues where the callee's stopped
        copy.nextInt();
        Merge.into(r, copy);
        assertEquals(copy.nextLong(), r.nextLong());
    }

    @Test
    @DisplayName("copy-back merges in place: a matrix the caller holds sees the callee's writes")
    void copyBackInPlace() {
        SimpleMatrix held = new SimpleMatrix(2, 2);
        List<SimpleMatrix> params = new ArrayList<>(List.of(held));
        SimpleMatrix updated = new SimpleMatrix(new double[][] {{1, 2}, {3, 4}});
        Object merged = Merge.into(params, List.of(updated));
        assertSame(params, merged);
        assertSame(held, params.get(0));
        assertTrue(held.isIdentical(updated, 0));
    }

    @Test
    @DisplayName("a lab object keeps one identity across calls: the callee's changes land in the caller's object")
    void objectIdentity() throws IOException {
        TestPeer trusted = new TestPeer(true);
        TestPeer worker = new TestPeer(false);
        Counter mine = new Counter();
        mine.state = new SimpleMatrix(1, 1);
        Counter theirs = (Counter) read(worker.codec, write(trusted.codec, mine));
        theirs.calls = 3;
        theirs.state.set(0, 0, 9);
        Object back = read(trusted.codec, write(worker.codec, theirs));
        assertSame(mine, back);
        assertEquals(3, mine.calls);
        assertEquals(9, mine.state.get(0, 0));
    }

    @Test
    @DisplayName("classes that are not the lab's value classes are never built from the other side's bytes")
    void refusesForeignClasses() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(31); // OBJECT
        out.writeUTF("org.diffusionlab.grading.sandbox.Sandbox");
        out.writeInt(-1);
        out.writeInt(0);
        Codec c = new TestPeer(true).codec;
        assertThrows(Peer.ProtocolException.class, () -> read(c, bytes.toByteArray()));
    }

    @Test
    @DisplayName("a length larger than the message is refused before anything is allocated")
    void refusesLyingLengths() throws IOException {
        Codec c = new TestPeer(true).codec;
        for (int tag : new int[] {10, 11, 12, 15, 16, 21, 24}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(tag);
            if (tag == 16) {
                out.writeUTF("java.lang.Object");
            }
            out.writeInt(Integer.MAX_VALUE - 8);
            assertThrows(Peer.ProtocolException.class, () -> read(c, bytes.toByteArray()), "tag " + tag);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(20); // MATRIX
        out.writeInt(1 << 20);
        out.writeInt(1 << 20);
        assertThrows(Peer.ProtocolException.class, () -> read(c, bytes.toByteArray()));
    }

    @Test
    @DisplayName("random bytes never escape as anything but a protocol or I/O error (2000 random messages)")
    void randomBytesAreRefusedCleanly() {
        SplittableRandom rng = new SplittableRandom(2026);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[1 + rng.nextInt(64)];
            for (int k = 0; k < junk.length; k++) {
                junk[k] = (byte) rng.nextInt(256);
            }
            junk[0] = (byte) rng.nextInt(52); // mostly valid tags, so the reader goes deep
            Codec c = new TestPeer(true).codec;
            try {
                read(c, junk);
            } catch (Peer.ProtocolException | IOException | IllegalArgumentException expected) {
                // refused
            }
        }
    }
}
