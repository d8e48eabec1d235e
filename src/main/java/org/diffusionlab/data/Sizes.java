package org.diffusionlab.data;

import java.util.Locale;

/**
 * Size checks shared by every public factory that allocates in proportion to its arguments, so
 * that a huge size fails at once with an {@link IllegalArgumentException} naming the parameter,
 * its value and its limit, instead of an {@link OutOfMemoryError} or EJML's "Matrix size exceeds
 * the size of an integer" halfway through the work. It lives in {@code data}, the first package of
 * the pipeline, so that every later package may use it.
 *
 * <p>Two limits, both checked before any allocation: (1) one Java array holds at most
 * {@link #MAX_ARRAY} elements (and EJML keeps a matrix in one array, so rows·cols must fit);
 * (2) the estimated bytes must fit in the heap the JVM may grow to, {@link Runtime#maxMemory()}.
 * The estimate is a lower bound on what the call allocates, so the check never refuses work that
 * could fit in an empty heap; it does not promise that work it lets through fits beside
 * everything else already in memory.
 */
public final class Sizes {

    /** The most elements one Java array may hold on common JVMs: Integer.MAX_VALUE − 8 (header words). */
    public static final long MAX_ARRAY = Integer.MAX_VALUE - 8L;

    private Sizes() {}

    /**
     * The system property that lowers {@link #maxHeap()} below the JVM's (bytes), so that tests
     * can throw huge sizes at the library without any of them being allocated.
     */
    public static final String MAX_HEAP_PROPERTY = "diffusionlab.maxHeap";

    /**
     * The heap the JVM may grow to, in bytes: {@link Runtime#maxMemory()} (-Xmx or its default),
     * or {@value #MAX_HEAP_PROPERTY} when that is set and smaller.
     */
    public static long maxHeap() {
        long jvm = Runtime.getRuntime().maxMemory();
        Long set = Long.getLong(MAX_HEAP_PROPERTY);
        return set != null && set > 0 ? Math.min(jvm, set) : jvm;
    }

    /**
     * Checks a size whose largest array has {@code value·elementsPerUnit} elements and whose
     * allocations take at least {@code value·bytesPerUnit} bytes. The limit is
     * min(⌊{@link #MAX_ARRAY}/elementsPerUnit⌋, ⌊{@link #maxHeap()}/bytesPerUnit⌋).
     *
     * @param name the parameter's name, as in "n = 2000000000 is invalid: ..."
     * @param value its value, ≥ 0
     * @param elementsPerUnit elements of the largest array per unit of {@code value} (0 counts as 1)
     * @param bytesPerUnit bytes allocated per unit of {@code value}, ≥ 1
     * @param what what is allocated, in words ("the n × 2 points")
     * @throws IllegalArgumentException if {@code value} exceeds the limit
     */
    public static void requireFits(String name, long value, long elementsPerUnit, long bytesPerUnit, String what) {
        long arrayLimit = MAX_ARRAY / Math.max(1, elementsPerUnit), heapLimit = maxHeap() / Math.max(1, bytesPerUnit);
        if (value > arrayLimit) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s = %d is invalid: %s would need one array of %s elements, more than Java can index (%d); "
                            + "%s must be at most %d", name, value, what, count((double) value * elementsPerUnit),
                    MAX_ARRAY, name, arrayLimit));
        }
        if (value > heapLimit) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s = %d is invalid: %s would need at least %s of memory, more than the Java heap's %s (-Xmx); "
                            + "%s must be at most %d", name, value, what, bytes((double) value * bytesPerUnit),
                    bytes(maxHeap()), name, heapLimit));
        }
    }

    /**
     * Checks a square w × w matrix (a hidden layer's weights) of 8-byte doubles, {@code copies}
     * of them: w² ≤ {@link #MAX_ARRAY} and copies·8·w² ≤ {@link #maxHeap()}.
     *
     * @param name the parameter's name
     * @param w the width, ≥ 0
     * @param copies how many w × w matrices of doubles the call allocates, ≥ 1
     * @throws IllegalArgumentException naming {@code name}, {@code w} and the largest w that fits
     */
    public static void requireSquareFits(String name, long w, long copies, String what) {
        long arrayLimit = (long) Math.sqrt((double) MAX_ARRAY);
        long heapLimit = (long) Math.sqrt(maxHeap() / (8.0 * copies));
        long limit = Math.min(arrayLimit, heapLimit);
        if (w > limit) {
            boolean array = w > arrayLimit;
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s = %d is invalid: %s (%d × %d) would need %s; %s must be at most %d", name, w, what, w, w,
                    array ? "one array of " + count((double) w * w) + " elements, more than Java can index (" + MAX_ARRAY + ")"
                            : "at least " + bytes(8.0 * copies * w * w) + " of memory, more than the Java heap's "
                            + bytes(maxHeap()) + " (-Xmx)", name, limit));
        }
    }

    /** Bytes in words: "512 B", "3.1 MB", "4.5 GB", "2.6 TB" (powers of 1024). */
    public static String bytes(double b) {
        String[] units = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
        int u = 0;
        while (b >= 1024 && u < units.length - 1) {
            b /= 1024;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%.0f B", b) : String.format(Locale.ROOT, "%.1f %s", b, units[u]);
    }

    /** A count in words: exact below 1e9, else "4.0e+09". */
    public static String count(double n) {
        return n < 1e9 ? String.format(Locale.ROOT, "%.0f", n) : String.format(Locale.ROOT, "%.1e", n);
    }
}
