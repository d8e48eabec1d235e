package org.diffusionlab.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.diffusionlab.data.ImageSet;
import org.diffusionlab.model.Adam;
import org.diffusionlab.train.MiniBatches;
import org.ejml.simple.SimpleMatrix;

/**
 * A small hand-written image classifier, the "judge" of generated images: one hidden layer,
 * <pre>
 *   h = ReLU(W₁·x + b₁)   (D pixels → H features),   p = softmax(W₂·h + b₂)   (H → classes)
 * </pre>
 * trained with the cross-entropy −log p_y by Adam on mini-batches. Its gradients, for one image
 * with one-hot label y: dL/dz = p − y at the logits z, dL/dW₂ = (p − y)·hᵀ, dL/dh = W₂ᵀ(p − y),
 * dL/da = dL/dh ⊙ [a &gt; 0] at the pre-activations a, dL/dW₁ = dL/da·xᵀ (biases: the same
 * without the xᵀ, hᵀ). On the 8×8 digits it reaches ≈ 97 % on the held-out split.
 *
 * <p>Besides labels it provides {@link #features}: h, the H numbers the Fréchet distance compares
 * (as FID uses an Inception network's last hidden layer).
 */
public final class DigitClassifier {

    private final int inputs;
    private final int hidden;
    private final int classes;
    private final SimpleMatrix w1;
    private final SimpleMatrix b1;
    private final SimpleMatrix w2;
    private final SimpleMatrix b2;

    /**
     * A classifier with random weights (uniform ±1/√fan-in), to be trained with {@link #train}.
     *
     * @param inputs D pixels per image
     * @param hidden H features
     * @param classes number of labels
     */
    public DigitClassifier(int inputs, int hidden, int classes, RandomGenerator rng) {
        if (inputs < 1 || hidden < 1 || classes < 2) {
            throw new IllegalArgumentException("inputs, hidden, classes = " + inputs + ", " + hidden + ", " + classes
                    + " is invalid: need inputs >= 1, hidden >= 1, classes >= 2");
        }
        this.inputs = inputs;
        this.hidden = hidden;
        this.classes = classes;
        w1 = uniform(hidden, inputs, 1 / Math.sqrt(inputs), rng);
        b1 = uniform(hidden, 1, 1 / Math.sqrt(inputs), rng);
        w2 = uniform(classes, hidden, 1 / Math.sqrt(hidden), rng);
        b2 = uniform(classes, 1, 1 / Math.sqrt(hidden), rng);
    }

    private static SimpleMatrix uniform(int r, int c, double bound, RandomGenerator rng) {
        SimpleMatrix m = new SimpleMatrix(r, c);
        double[] d = m.getDDRM().data;
        for (int i = 0; i < d.length; i++) d[i] = bound * (2 * rng.nextDouble() - 1);
        return m;
    }

    /**
     * Trains a classifier with H = 128 on {@code data}: 40 epochs of mini-batches of 32, Adam 1e-3.
     */
    public static DigitClassifier train(ImageSet data, RandomGenerator rng) {
        DigitClassifier c = new DigitClassifier(data.pixels(), 128, data.classes(), rng);
        c.fit(data, 40, 32, 1e-3, rng);
        return c;
    }

    /** Minimises the mean cross-entropy over mini-batches (class comment). */
    public void fit(ImageSet data, int epochs, int batchSize, double lr, RandomGenerator rng) {
        if (data.pixels() != inputs) throw new IllegalArgumentException("data has " + data.pixels() + " pixels, invalid: expected " + inputs);
        if (epochs < 1) throw new IllegalArgumentException("epochs = " + epochs + " is invalid: must be >= 1");
        Adam adam = Adam.adam(lr);
        List<SimpleMatrix> params = List.of(w1, b1, w2, b2);
        MiniBatches batches = new MiniBatches(data.size(), batchSize, rng);
        int perEpoch = (data.size() + batchSize - 1) / batchSize;
        for (int step = 0; step < epochs * perEpoch; step++) {
            int[] batch = batches.next();
            List<SimpleMatrix> grads = new ArrayList<>();
            for (SimpleMatrix p : params) grads.add(new SimpleMatrix(p.getNumRows(), p.getNumCols()));
            double[] gw1 = grads.get(0).getDDRM().data, gb1 = grads.get(1).getDDRM().data;
            double[] gw2 = grads.get(2).getDDRM().data, gb2 = grads.get(3).getDDRM().data;
            double[] W2 = w2.getDDRM().data;
            for (int idx : batch) {
                double[] x = data.images()[idx];
                double[] h = features(x);
                double[] p = probabilities(h);
                p[data.labels()[idx]] -= 1;  // dL/dz = p − onehot(y)
                double[] dh = new double[hidden];
                for (int k = 0; k < classes; k++) {
                    double d = p[k] / batch.length;
                    gb2[k] += d;
                    for (int j = 0; j < hidden; j++) {
                        gw2[k * hidden + j] += d * h[j];
                        dh[j] += d * W2[k * hidden + j];
                    }
                }
                for (int j = 0; j < hidden; j++) {
                    if (h[j] <= 0) continue;  // ReLU: no gradient through inactive units
                    gb1[j] += dh[j];
                    for (int i = 0; i < inputs; i++) gw1[j * inputs + i] += dh[j] * x[i];
                }
            }
            adam.step(params, grads);
        }
    }

    /** h = ReLU(W₁·x + b₁), the H features of one image. */
    public double[] features(double[] x) {
        if (x.length != inputs) throw new IllegalArgumentException("x.length = " + x.length + " is invalid: expected " + inputs);
        double[] W1 = w1.getDDRM().data, B1 = b1.getDDRM().data;
        double[] h = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            double s = B1[j];
            for (int i = 0; i < inputs; i++) s += W1[j * inputs + i] * x[i];
            h[j] = Math.max(0, s);
        }
        return h;
    }

    /** The features of every image. */
    public double[][] features(double[][] images) {
        double[][] f = new double[images.length][];
        for (int i = 0; i < images.length; i++) f[i] = features(images[i]);
        return f;
    }

    private double[] probabilities(double[] h) {
        double[] W2 = w2.getDDRM().data, B2 = b2.getDDRM().data;
        double[] z = new double[classes];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            double s = B2[k];
            for (int j = 0; j < hidden; j++) s += W2[k * hidden + j] * h[j];
            z[k] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            z[k] = Math.exp(z[k] - max);
            sum += z[k];
        }
        for (int k = 0; k < classes; k++) z[k] /= sum;
        return z;
    }

    /** argmax_k p_k for one image. */
    public int predict(double[] x) {
        double[] p = probabilities(features(x));
        int best = 0;
        for (int k = 1; k < classes; k++) if (p[k] > p[best]) best = k;
        return best;
    }

    /** The fraction of images whose prediction equals the given label. */
    public double accuracy(double[][] images, int[] labels) {
        if (images.length != labels.length || images.length == 0) {
            throw new IllegalArgumentException("labels.length = " + labels.length + " is invalid: need one label per image (" + images.length + ", at least 1)");
        }
        int right = 0;
        for (int i = 0; i < images.length; i++) if (predict(images[i]) == labels[i]) right++;
        return (double) right / images.length;
    }

    /** How many images get each predicted label. */
    public int[] predictedCounts(double[][] images) {
        int[] counts = new int[classes];
        for (double[] x : images) counts[predict(x)]++;
        return counts;
    }
}
