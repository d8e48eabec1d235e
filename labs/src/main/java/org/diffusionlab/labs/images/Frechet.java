package org.diffusionlab.labs.images;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.simple.SimpleMatrix;

/**
 * Exercise 7 — judging samples: the Fréchet distance between two sets of feature vectors (the FID of
 * Heusel et al. 2017, which uses an Inception network's last hidden layer), and its floor, the distance
 * between two independent sets of real images of the same size. The walkthrough feeds it the 128 hidden
 * features of a digit classifier (the "judge"): features that tell digits apart make the distance
 * sensitive to what a digit looks like, where raw pixels weigh every pixel alike.
 */
public final class Frechet {

    private Frechet() {}

    /** The mean and the unbiased covariance of a set of feature vectors. */
    public record Stats(double[] mean, SimpleMatrix covariance) {}

    /** A square root of a symmetric positive semi-definite matrix (given: {@link #SYMMETRIC_SQRT}). */
    public interface MatrixSqrt {
        SimpleMatrix sqrt(SimpleMatrix symmetric);
    }

    /** V·diag(√max(λ, 0))·Vᵀ through EJML's symmetric eigen-decomposition. */
    public static final MatrixSqrt SYMMETRIC_SQRT = Frechet::symmetricSqrt;

    /** A value beside its floor: ratio = value / floor. */
    public record Report(double value, double floor, double ratio) {}

    /**
     * <b>TODO 7.1</b> (Time: ~15 min) — the statistics of n feature vectors (one per row):
     * <pre>
     *   μ = (1/n) Σ_i f_i          C = 1/(n − 1) · Σ_i (f_i − μ)(f_i − μ)ᵀ
     * </pre>
     *
     * <p>Hint: center the rows, then {@code centered.transpose().mult(centered).divide(n - 1)}. Divide by
     * n − 1 (unbiased), as NumPy's {@code np.cov} and the reference.
     *
     * @param features n × d, n ≥ 2
     */
    public static Stats stats(SimpleMatrix features) {
        throw new UnsupportedOperationException("TODO 7.1: stats: the mean and the unbiased (n - 1) covariance of the rows");
    }

    /**
     * <b>TODO 7.2</b> (Time: ~20 min) — the Fréchet distance between two Gaussians with these statistics:
     * <pre>
     *   d² = ‖μ_a − μ_b‖² + tr C_a + tr C_b − 2 · tr √( √C_a · C_b · √C_a )
     * </pre>
     * (the symmetric form of tr √(C_a C_b): same value, and √ of a symmetric matrix is well defined).
     *
     * <p>Hint: {@code s = sqrt.sqrt(a.covariance())}, then {@code sqrt.sqrt(s.mult(b.covariance()).mult(s)).trace()}.
     * Rounding can make d² slightly negative when the sets are equal: return max(0, d²).
     */
    public static double distance(Stats a, Stats b, MatrixSqrt sqrt) {
        throw new UnsupportedOperationException("TODO 7.2: distance: |mu_a - mu_b|^2 + tr C_a + tr C_b - 2 tr sqrt(sqrt(C_a) C_b sqrt(C_a))");
    }

    private static SimpleMatrix symmetricSqrt(SimpleMatrix s) {
        int d = s.getNumRows();
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
        if (!eig.decompose(s.getDDRM().copy())) throw new IllegalStateException("eigen-decomposition failed");
        SimpleMatrix out = new SimpleMatrix(d, d);
        for (int k = 0; k < d; k++) {
            double root = Math.sqrt(Math.max(0, eig.getEigenvalue(k).getReal()));
            DMatrixRMaj v = eig.getEigenVector(k);
            if (root == 0 || v == null) continue;
            for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) out.set(i, j, out.get(i, j) + root * v.data[i] * v.data[j]);
        }
        return out;
    }
}
