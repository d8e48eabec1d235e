package org.diffusionlab.model.image;

import java.util.List;

/**
 * SiLU ("swish"), element-wise: y = x·σ(x) with σ(x) = 1/(1 + e^{−x}); its derivative is
 * dy/dx = σ(x)·(1 + x·(1 − σ(x))). Smooth where ReLU has a kink, and slightly negative for
 * x &lt; 0, which the DDPM U-Net uses throughout.
 */
public final class Silu implements Layer {

    private Tensor input;

    /** σ(x) = 1/(1 + e^{−x}). */
    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    @Override
    public Tensor forward(Tensor x) {
        input = x;
        Tensor y = x.zerosLike();
        for (int i = 0; i < x.size(); i++) y.data[i] = x.data[i] * sigmoid(x.data[i]);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (input == null) throw new IllegalStateException("backward before forward");
        if (!dy.sameShape(input)) throw new IllegalArgumentException("dy has shape " + dy.shape() + ", invalid: expected " + input.shape());
        Tensor dx = dy.zerosLike();
        for (int i = 0; i < dy.size(); i++) {
            double x = input.data[i], s = sigmoid(x);
            dx.data[i] = dy.data[i] * s * (1 + x * (1 - s));
        }
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }
}
