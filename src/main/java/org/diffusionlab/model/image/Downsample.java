package org.diffusionlab.model.image;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Halves the image with a learned 3×3 convolution of stride 2 and padding 1 (C → C channels):
 * H → ⌊(H − 1)/2⌋ + 1, so 8 → 4 → 2 and 28 → 14 → 7. A learned stride lets the network decide
 * what to keep, where max-pooling (the reference notebook's choice) keeps only the largest value.
 */
public final class Downsample implements Layer {

    private final Conv2d conv;

    public Downsample(String name, int channels, RandomGenerator rng) {
        this.conv = new Conv2d(name + ".conv", channels, channels, 3, 2, 1, rng);
    }

    Conv2d conv() {
        return conv;
    }

    @Override
    public Tensor forward(Tensor x) {
        return conv.forward(x);
    }

    @Override
    public Tensor backward(Tensor dy) {
        return conv.backward(dy);
    }

    @Override
    public List<Parameter> parameters() {
        return conv.parameters();
    }
}
