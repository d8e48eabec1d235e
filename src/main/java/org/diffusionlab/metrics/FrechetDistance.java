package org.diffusionlab.metrics;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The Fréchet distance between two sets of feature vectors, each summarised by a Gaussian with its
 * sample mean μ and covariance Σ (the formula of FID, Heusel et al. 2017, here on a small
 * classifier's features):
 * <pre>
 *   FD = ‖μ_a − μ_b‖² + tr(Σ_a) + tr(Σ_b) − 2·tr((Σ_a^{1/2}·Σ_b·Σ_a^{1/2})^{1/2})
 * </pre>
 * (tr((Σ_aΣ_b)^{1/2}) written with symmetric matrices, so that symmetric eigen-decompositions give
 * the square roots; tiny negative eigenvalues from rounding count as 0). It is 0 for identical
 * statistics and, like every distance estimated from finitely many samples, is above 0 even for
 * two samples of the same distribution: compare it with that floor.
 */
public final class FrechetDistance {

    private FrechetDistance() {}

    /**
     * @param a n_a ≥ 2 vectors of dimension d
     * @param b n_b ≥ 2 vectors of the same dimension
     */
    public static double between(double[][] a, double[][] b) {
        if (a.length < 2 || b.length < 2) {
            throw new IllegalArgumentException("a.length, b.length = " + a.length + ", " + b.length + " is invalid: need at least 2 vectors each");
        }
        int d = a[0].length;
        if (b[0].length != d) throw new IllegalArgumentException("b[0].length = " + b[0].length + " is invalid: a's vectors have " + d);
        double[] ma = mean(a), mb = mean(b);
        DMatrixRMaj ca = covariance(a, ma), cb = covariance(b, mb);
        double meanTerm = 0;
        for (int i = 0; i < d; i++) meanTerm += (ma[i] - mb[i]) * (ma[i] - mb[i]);
        DMatrixRMaj sa = sqrtSymmetric(ca);
        DMatrixRMaj tmp = new DMatrixRMaj(d, d), m = new DMatrixRMaj(d, d);
        CommonOps_DDRM.mult(sa, cb, tmp);
        CommonOps_DDRM.mult(tmp, sa, m);
        symmetrize(m);
        double traceSqrt = 0;
        for (double lambda : eigenvalues(m)) traceSqrt += Math.sqrt(Math.max(0, lambda));
        return Math.max(0, meanTerm + CommonOps_DDRM.trace(ca) + CommonOps_DDRM.trace(cb) - 2 * traceSqrt);
    }

    static double[] mean(double[][] x) {
        double[] m = new double[x[0].length];
        for (double[] v : x) {
            if (v.length != m.length) throw new IllegalArgumentException("vector length " + v.length + " is invalid: expected " + m.length);
            for (int i = 0; i < m.length; i++) m[i] += v[i] / x.length;
        }
        return m;
    }

    /** The unbiased sample covariance (divided by n − 1). */
    static DMatrixRMaj covariance(double[][] x, double[] mean) {
        int d = mean.length;
        DMatrixRMaj c = new DMatrixRMaj(d, d);
        double[] diff = new double[d];
        for (double[] v : x) {
            for (int i = 0; i < d; i++) diff[i] = v[i] - mean[i];
            for (int i = 0; i < d; i++) {
                if (diff[i] == 0) continue;
                for (int j = 0; j < d; j++) c.data[i * d + j] += diff[i] * diff[j];
            }
        }
        CommonOps_DDRM.scale(1.0 / (x.length - 1), c);
        return c;
    }

    /** V·diag(√max(λ, 0))·Vᵀ for a symmetric positive semi-definite matrix. */
    static DMatrixRMaj sqrtSymmetric(DMatrixRMaj s) {
        int d = s.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
        if (!eig.decompose(s.copy())) throw new IllegalStateException("eigen-decomposition failed");
        DMatrixRMaj out = new DMatrixRMaj(d, d);
        for (int k = 0; k < d; k++) {
            double root = Math.sqrt(Math.max(0, eig.getEigenvalue(k).getReal()));
            DMatrixRMaj v = eig.getEigenVector(k);
            if (root == 0 || v == null) continue;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) out.data[i * d + j] += root * v.data[i] * v.data[j];
            }
        }
        return out;
    }

    private static double[] eigenvalues(DMatrixRMaj s) {
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(s.numRows, false, true);
        if (!eig.decompose(s.copy())) throw new IllegalStateException("eigen-decomposition failed");
        double[] l = new double[s.numRows];
        for (int k = 0; k < l.length; k++) l[k] = eig.getEigenvalue(k).getReal();
        return l;
    }

    private static void symmetrize(DMatrixRMaj m) {
        int d = m.numRows;
        for (int i = 0; i < d; i++) {
            for (int j = i + 1; j < d; j++) {
                double v = 0.5 * (m.data[i * d + j] + m.data[j * d + i]);
                m.data[i * d + j] = v;
                m.data[j * d + i] = v;
            }
        }
    }
}
