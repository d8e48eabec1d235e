package org.diffusionlab.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;
import org.diffusionlab.data.Sizes;

/**
 * The memory a run needs, estimated from its sizes before any work, so that a huge
 * {@code --points}, {@code --timesteps}, {@code --width}, {@code --hidden-layers},
 * {@code --embedding sinusoidal:K}, {@code --samples}, {@code --steps}, {@code --batch-size} or
 * {@code --ddim-steps} is a usage error naming the flag and its limit, not an
 * {@link OutOfMemoryError} (or EJML's "Matrix size exceeds the size of an integer") after minutes
 * of work.
 *
 * <p>The estimate adds, in bytes (8 per double, 4 per float or int; n points, T steps, w width,
 * L hidden layers, k time inputs, B rows per batch, m samples, S kept sampler states, K training
 * steps, P = (2 + k)·w + (L − 1)·(w² + w) + 3w + 2 parameters of the mini-batch network):
 * <ul>
 *   <li>data: {@value #PER_POINT}·n (the points, their standardized copy, the forward figure's
 *       four x_t, the trainer's float copies), plus 41·16·n for {@code --gif};</li>
 *   <li>schedule: ({@value #PER_STEP} + 8k)·T (β, α, ᾱ and their copies, the trainer's per-step
 *       tables, the embedding of every t, the schedule figures);</li>
 *   <li>network: {@value #PER_FULL_BATCH_WEIGHT}·w² for the notebook's MLP (weights, momentum,
 *       the fast trainer's float copies and per-chunk gradients), {@value #PER_PARAMETER}·P for the
 *       mini-batch network (weights, Adam's two moments, EMA, the fast trainer's copies), and the
 *       mini-batch activations B·w·(16L + 28);</li>
 *   <li>sampling: S·(16m + 128) for the kept states (S = T + 1 for ddpm and posterior, ddim steps
 *       + 1 for ddim), 48·m·w for the notebook MLP's activations (the mini-batch network works in
 *       blocks of 256 rows: 256·w·(16L + 28));</li>
 *   <li>training curve 16·K; metrics {@value #PER_SAMPLE_METRICS}·m (a held-out pool of 80·m real
 *       points, its shuffled order, 20 pairs of m points);</li>
 *   <li>a fixed {@value #FIXED_MB} MB for figures (twice that with {@code --gif}).</li>
 * </ul>
 * It also checks that no single array exceeds {@link Sizes#MAX_ARRAY} elements (160·m for the
 * held-out pool, 2n, T·k, m·w, w², K). A run whose estimate exceeds the heap
 * ({@link Runtime#maxMemory()}) is refused; the flag named is the one furthest above its default
 * among those whose minimum would let the run fit, with the largest value that fits.
 */
final class RunBudget {

    static final long PER_POINT = 160, PER_STEP = 160, PER_FULL_BATCH_WEIGHT = 80, PER_PARAMETER = 104,
            PER_SAMPLE_METRICS = 2400, FIXED_MB = 64;

    /**
     * The sizes the estimate depends on; {@code loaded} marks a model read from a checkpoint (its
     * network is already in memory and is not trained).
     */
    record Run(long points, long T, long width, long hiddenLayers, long k, long batch, boolean fullBatch, long samples,
               long keptStates, long steps, boolean gif, boolean loaded) {

        /** Sampler states kept: T + 1, or S + 1 for DDIM with S steps. */
        static long keptStates(Choices.SamplerKind sampler, long T, Integer ddimSteps) {
            return sampler == Choices.SamplerKind.DDIM && ddimSteps != null ? ddimSteps + 1L : T + 1;
        }
    }

    /** One part of the estimate, in bytes, with what it holds in words. */
    record Part(String what, double bytes) {}

    /** One array of the estimate, in elements. */
    record Array(String what, double elements) {}

    private RunBudget() {}

    static List<Part> parts(Run r) {
        List<Part> parts = new ArrayList<>();
        parts.add(new Part("the " + r.points + " training points and their copies",
                (double) r.points * (PER_POINT + (r.gif ? 41 * 16 : 0))));
        parts.add(new Part("the schedule's tables over T = " + r.T + " steps", (double) r.T * (PER_STEP + 8.0 * r.k)));
        if (!r.loaded) {
            if (r.fullBatch) {
                parts.add(new Part("the network's " + r.width + " × " + r.width + " weights and their copies",
                        PER_FULL_BATCH_WEIGHT * (double) r.width * r.width));
            } else {
                parts.add(new Part("the " + r.hiddenLayers + " hidden layers of width " + r.width
                        + " (weights, optimizer state, EMA, copies)", PER_PARAMETER * parameters(r)));
                parts.add(new Part("the activations of a batch of " + r.batch + " rows",
                        (double) r.batch * r.width * (16.0 * r.hiddenLayers + 28)));
            }
            parts.add(new Part("the training curve of " + r.steps + " steps", 16.0 * r.steps));
        }
        parts.add(new Part("the sampler's " + r.keptStates + " kept states of " + r.samples + " samples",
                r.keptStates * (16.0 * r.samples + 128)));
        parts.add(new Part("the network's activations while sampling", r.fullBatch
                ? 48.0 * r.samples * r.width : 256.0 * r.width * (16.0 * r.hiddenLayers + 28)));
        parts.add(new Part("the held-out real points for the metrics (80 × " + r.samples + ")",
                (double) PER_SAMPLE_METRICS * r.samples));
        parts.add(new Part("figures", FIXED_MB * (r.gif ? 2 : 1) * 1024.0 * 1024));
        return parts;
    }

    static List<Array> arrays(Run r) {
        List<Array> arrays = new ArrayList<>();
        arrays.add(new Array("the " + r.points + " × 2 training points", 2.0 * r.points));
        arrays.add(new Array("the held-out pool of 80 × " + r.samples + " points × 2", 160.0 * r.samples));
        arrays.add(new Array("the embedding table (T = " + r.T + ") × (k = " + r.k + ")", (double) r.T * r.k));
        arrays.add(new Array("the " + r.width + " × " + r.width + " hidden weights", (double) r.width * r.width));
        arrays.add(new Array("the first layer's (2 + " + r.k + ") × " + r.width + " weights", (2.0 + r.k) * r.width));
        if (r.fullBatch) {
            arrays.add(new Array("the sampler's " + r.samples + " × " + r.width + " activations", (double) r.samples * r.width));
        }
        arrays.add(new Array("the training curve of " + r.steps + " steps", r.steps));
        return arrays;
    }

    /** P = (2 + k)·w + (L − 1)·(w² + w) + 3w + 2: every weight and bias of the mini-batch network. */
    static double parameters(Run r) {
        return (2.0 + r.k) * r.width + (r.hiddenLayers - 1.0) * ((double) r.width * r.width + r.width) + 3.0 * r.width + 2;
    }

    static double bytes(Run r) {
        return parts(r).stream().mapToDouble(Part::bytes).sum();
    }

    static boolean fits(Run r, long heap) {
        return bytes(r) <= heap && arrays(r).stream().allMatch(a -> a.elements() <= Sizes.MAX_ARRAY);
    }

    /**
     * A size flag: its name, its value in the run, the smallest value it may take, its default
     * (to tell which value is extreme), and the run with another value of it.
     */
    record Flag(String name, String prefix, long value, long min, long usual, LongFunction<Run> with) {

        Flag(String name, long value, long min, long usual, LongFunction<Run> with) {
            this(name, "", value, min, usual, with);
        }

        /** The flag with a value: "--samples 2000000000", "--embedding sinusoidal:64". */
        String with(long v) {
            return name + " " + prefix + v;
        }
    }

    /**
     * Null when {@code run} fits in {@code heap} bytes, else the usage message: the flag, its
     * value, the largest part (or the array too large to index), and the largest value that fits.
     */
    static String check(Run run, List<Flag> flags, long heap) {
        if (fits(run, heap)) return null;
        Flag blamed = null;
        boolean alone = false;
        for (Flag f : flags) {
            if (f.value() <= f.min()) continue;
            boolean fixes = fits(f.with().apply(f.min()), heap);
            double extreme = (double) f.value() / Math.max(1, f.usual());
            if (blamed == null || (fixes && !alone)
                    || (fixes == alone && extreme > (double) blamed.value() / Math.max(1, blamed.usual()))) {
                blamed = f;
                alone = fixes;
            }
        }
        String why = reason(run, heap);
        if (blamed == null) return "this run is too large: " + why;
        String limit;
        if (alone) {
            long lo = blamed.min(), hi = blamed.value();   // fits(lo), !fits(hi)
            while (hi - lo > 1) {
                long mid = lo + (hi - lo) / 2;
                if (fits(blamed.with().apply(mid), heap)) lo = mid;
                else hi = mid;
            }
            if (!blamed.prefix().isEmpty()) lo -= lo % 2;   // sinusoidal:K needs K even
            limit = "with the other flags as given, the largest that fits is " + blamed.with(lo);
        } else {
            limit = "even " + blamed.with(blamed.min()) + " would not fit: make the other sizes smaller too";
        }
        return blamed.with(blamed.value()) + " is too large for this run: " + why + "; " + limit;
    }

    /** Why the run does not fit: the first array too large to index, else the memory and its largest part. */
    private static String reason(Run run, long heap) {
        for (Array a : arrays(run)) {
            if (a.elements() > Sizes.MAX_ARRAY) {
                return String.format(Locale.ROOT, "%s would need one array of %s elements, more than Java can index (%d)",
                        a.what(), Sizes.count(a.elements()), Sizes.MAX_ARRAY);
            }
        }
        Part largest = parts(run).stream().max((a, b) -> Double.compare(a.bytes(), b.bytes())).orElseThrow();
        return String.format(Locale.ROOT, "it would need about %s of memory (%s of it for %s), more than the Java heap's "
                + "%s (Runtime.maxMemory(); raise it with -Xmx, e.g. MAVEN_OPTS=-Xmx8g)", Sizes.bytes(bytes(run)),
                Sizes.bytes(largest.bytes()), largest.what(), Sizes.bytes(heap));
    }
}
