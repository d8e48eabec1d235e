package org.diffusionlab.grading.wire;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * State of the JDK's seedable generators, so that a generator crosses by value (its state is copied
 * in and, after the call, back) instead of one round trip per draw. Needs
 * {@code --add-opens java.base/java.util=ALL-UNNAMED} on both JVMs.
 */
final class Generators {

    private static final Field SPLIT_SEED = field(SplittableRandom.class, "seed");
    private static final Field SPLIT_GAMMA = field(SplittableRandom.class, "gamma");
    private static final Field RANDOM_SEED = field(Random.class, "seed");
    private static final Field NEXT_GAUSSIAN = field(Random.class, "nextNextGaussian");
    private static final Field HAVE_NEXT_GAUSSIAN = field(Random.class, "haveNextNextGaussian");

    private Generators() {}

    private static Field field(Class<?> c, String name) {
        try {
            Field f = c.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("the grader needs --add-opens java.base/java.util=ALL-UNNAMED: " + e, e);
        }
    }

    static long[] splittableState(SplittableRandom r) {
        try {
            return new long[] {SPLIT_SEED.getLong(r), SPLIT_GAMMA.getLong(r)};
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    static SplittableRandom splittable(long seed, long gamma) {
        SplittableRandom r = new SplittableRandom(0);
        setSplittable(r, seed, gamma);
        return r;
    }

    static void setSplittable(SplittableRandom r, long seed, long gamma) {
        try {
            SPLIT_SEED.setLong(r, seed);
            SPLIT_GAMMA.setLong(r, gamma);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    static void writeRandom(DataOutputStream out, Random r) throws IOException {
        try {
            out.writeByte(46);
            out.writeLong(((AtomicLong) RANDOM_SEED.get(r)).get());
            out.writeDouble(NEXT_GAUSSIAN.getDouble(r));
            out.writeBoolean(HAVE_NEXT_GAUSSIAN.getBoolean(r));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    static Random readRandom(DataInputStream in) throws IOException {
        Random r = new Random(0);
        setRandom(r, in.readLong(), in.readDouble(), in.readBoolean());
        return r;
    }

    static void copyRandom(Random from, Random to) {
        try {
            setRandom(to, ((AtomicLong) RANDOM_SEED.get(from)).get(), NEXT_GAUSSIAN.getDouble(from),
                    HAVE_NEXT_GAUSSIAN.getBoolean(from));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setRandom(Random r, long seed, double nextGaussian, boolean haveNext) {
        try {
            ((AtomicLong) RANDOM_SEED.get(r)).set(seed);
            NEXT_GAUSSIAN.setDouble(r, nextGaussian);
            HAVE_NEXT_GAUSSIAN.setBoolean(r, haveNext);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new instance of c without running a constructor (its fields are then set from the message). */
    @SuppressWarnings("sunapi")
    static Object allocate(Class<?> c) {
        try {
            var factory = sun.reflect.ReflectionFactory.getReflectionFactory();
            var constructor = factory.newConstructorForSerialization(c, Object.class.getDeclaredConstructor());
            return constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new Peer.ProtocolException("cannot create a " + c.getName() + ": " + e);
        }
    }
}
