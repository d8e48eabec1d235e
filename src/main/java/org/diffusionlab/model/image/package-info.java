/**
 * The image denoiser: a small U-Net built from hand-written layers, each with its forward and
 * backward pass (and a finite-difference gradient check in the tests).
 *
 * <p>Data layout everywhere: a {@link org.diffusionlab.model.image.Tensor} of shape N×C×H×W
 * (batch, channels, rows, columns), stored row-major in one {@code double[]}. Parameters are
 * {@link org.diffusionlab.model.image.Parameter}s backed by EJML matrices, so the 2-D lab's
 * {@link org.diffusionlab.model.Adam}, {@link org.diffusionlab.model.ExponentialMovingAverage} and
 * {@link org.diffusionlab.model.GradientClipping} work on them unchanged.
 *
 * <p>Each layer caches what its backward pass needs during forward, so the protocol is: forward,
 * then at most one backward for that forward. Backward <em>adds</em> into the parameter
 * gradients (zero them before a new mini-batch) and returns the gradient with respect to the
 * layer's input. On the fast path ({@link org.diffusionlab.model.image.UNet#useFastPath}) a layer
 * returns its output and input gradient in tensors it keeps and overwrites at its next call of
 * the same shape, so a caller that needs a result beyond that copies it; {@code UNet.forward}
 * does so for the network's output.
 */
package org.diffusionlab.model.image;
