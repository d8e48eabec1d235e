package org.diffusionlab.model.image;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FastNormSilu}'s forward for one channel with the incubating Vector API: x̂, z = γ·x̂ + β,
 * σ = 1/(1 + e^{−z}) and y = z·σ for a whole vector of pixels at once. The operations are the
 * plain loop's in the same order (a product, then a sum; no fused multiply-add), except the
 * exponential, which the Vector API computes in a vectorized routine that may differ from
 * {@link Math#exp} in the last bits; {@code FastNormSiluTest} bounds the difference.
 *
 * <p>Like {@link VectorConvProducts}, this class lives in {@code src/main/vector} and is loaded by
 * reflection only when the JVM has the module.
 */
final class VectorNormSilu implements FastNormSilu.Activation {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    @Override
    public void apply(double[] x, int from, int to, double mean, double inv, double gamma, double beta, double[] xh, double[] sg, double[] out) {
        int q = from;
        if (to - from >= S.length()) {
            DoubleVector mu = DoubleVector.broadcast(S, mean), iv = DoubleVector.broadcast(S, inv);
            DoubleVector g = DoubleVector.broadcast(S, gamma), b = DoubleVector.broadcast(S, beta), one = DoubleVector.broadcast(S, 1.0);
            for (; q + S.length() <= to; q += S.length()) {
                DoubleVector h = DoubleVector.fromArray(S, x, q).sub(mu).mul(iv);
                DoubleVector z = g.mul(h).add(b);
                DoubleVector s = one.div(one.add(z.neg().lanewise(VectorOperators.EXP)));
                h.intoArray(xh, q);
                s.intoArray(sg, q);
                z.mul(s).intoArray(out, q);
            }
        }
        FastNormSilu.PLAIN.apply(x, q, to, mean, inv, gamma, beta, xh, sg, out);
    }

    @Override
    public String describe() {
        return "Vector API, " + S.vectorBitSize() + "-bit (" + S.length() + " doubles)";
    }
}
