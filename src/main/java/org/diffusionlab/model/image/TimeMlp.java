package org.diffusionlab.model.image;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.diffusionlab.model.SinusoidalTimeEmbedding;
import org.ejml.simple.SimpleMatrix;

/**
 * The time embedding of the U-Net: the sinusoidal features of the 1-based step t
 * ({@link SinusoidalTimeEmbedding}, k of them) through a small MLP,
 * <pre>
 *   e(t) = W₂·SiLU(W₁·sin_k(t) + b₁) + b₂      (k → D → D)
 * </pre>
 * so the network can learn which mixture of frequencies each block needs. The sinusoidal part has
 * no parameters, so backward stops at W₁.
 */
public final class TimeMlp {

    private final SinusoidalTimeEmbedding sinusoid;
    private final Linear first;
    private final Silu act = new Silu();
    private final Linear second;

    /**
     * @param features k, even ≥ 2
     * @param dimension D ≥ 1
     */
    public TimeMlp(String name, int features, int dimension, RandomGenerator rng) {
        this.sinusoid = new SinusoidalTimeEmbedding(features);
        this.first = new Linear(name + ".fc1", features, dimension, rng);
        this.second = new Linear(name + ".fc2", dimension, dimension, rng);
    }

    /** e(t) for each step, N×D×1×1; t in 1..T. */
    public Tensor forward(int[] t, int T) {
        SimpleMatrix s = sinusoid.encode(t, T);
        Tensor x = new Tensor(t.length, s.getNumCols(), 1, 1, s.getDDRM().data.clone());
        return second.forward(act.forward(first.forward(x)));
    }

    /** Adds dL/dθ for dL/de. */
    public void backward(Tensor de) {
        first.backward(act.backward(second.backward(de)));
    }

    /** Both Linear layers, to switch their fast path. */
    List<Linear> linears() {
        return List.of(first, second);
    }

    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>(first.parameters());
        p.addAll(second.parameters());
        return p;
    }
}
