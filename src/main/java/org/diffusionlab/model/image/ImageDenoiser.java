package org.diffusionlab.model.image;

/**
 * What the image samplers need from a network: its shape and conditioning ({@link UNet.Config})
 * and its output for a batch. {@link UNet} is the real one; tests plug in exact "oracle"
 * denoisers to check the samplers' arithmetic.
 */
public interface ImageDenoiser {

    /** Image shape, T and the number of labels (0: unconditional). */
    UNet.Config config();

    /**
     * The network output (ε̂, x̂0 or v̂, as trained) for x_t.
     *
     * @param t one step in 1..T per image
     * @param labels one label (or {@link LabelEmbedding#NO_LABEL}) per image; null for an unconditional network
     */
    Tensor forward(Tensor x, int[] t, int[] labels);
}
