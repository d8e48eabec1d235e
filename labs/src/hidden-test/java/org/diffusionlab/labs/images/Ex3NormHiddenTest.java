package org.diffusionlab.labs.images;

import java.util.Map;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Hidden grader (instructor only). GroupNorm where the arithmetic matters: values around 10⁶ with a
 * spread of 1 (the variance as E[x²] − μ² loses every digit there: x² ≈ 10¹² leaves rounding errors of
 * ≈ 10⁻⁴ in a variance of ≈ 1, while the mean of (x − μ)² stays exact), and a constant group, whose
 * variance is 0 and which ε keeps finite (y = β). The one place where float is not accepted (see
 * Reference#assertClose): the two-pass variance in double is exact to about m·ulp(10⁶)/σ ≈ 2e-9 here, while
 * a variance summed as (x − μ)(x + μ), i.e. Σx² − mμ², left the backward's ∂L/∂γ off by more than 1e-6 but
 * less than float's 3.1e-5 (PIT's mutant of the solution, killed only at {@link #TOL} = 1e-6).
 */
@Lab("images")
@DisplayName("Exercise 3 (hidden): GroupNorm with large offsets and constant groups")
class Ex3NormHiddenTest {

    /** 2 images, 4 channels of 3×3, 2 groups: group 0 of image 0 is constant, every other value is 10⁶ + N(0, 1). */
    private static Maps input() {
        Maps x = Reference.randn(2, 4, 3, 3, 9401);
        double[] d = x.data();
        for (int i = 0; i < d.length; i++) d[i] = i < 18 ? 0.25 : 1e6 + d[i];
        return x;
    }

    /** Relative tolerance of this test (class comment). */
    private static final double TOL = 1e-6;

    private static final String INPUT = "n = 2, C = 4, h×w = 3×3, groups = 2; group 0 of image 0 is all 0.25, the rest 10⁶ + N(0, 1)";

    @Test
    @Graded(exercise = "3.3", points = 1, visibility = "after_due_date")
    @DisplayName("groupNorm is accurate around 10⁶ and gives β for a constant group")
    void forwardLargeOffsetAndConstantGroup() {
        Maps x = input();
        double[] gamma = Reference.randn(4, 1, 9402), beta = Reference.randn(4, 1, 9403);
        Maps got = Norm.groupNorm(x, 2, gamma, beta);
        Reference.assertCloseAt("Norm.groupNorm is wrong on large or constant values; compute σ² as the mean of (x − μ)² (not E[x²] − μ², "
                + "which cancels catastrophically), and add ε inside the square root", INPUT,
                Reference.groupNormForward(x, 2, gamma, beta).data(), got == null ? null : got.data(), TOL);
    }

    @Test
    @Graded(exercise = "3.4", points = 1, visibility = "after_due_date")
    @DisplayName("groupNormBackward is accurate around 10⁶ and on a constant group")
    void backwardLargeOffsetAndConstantGroup() {
        Maps x = input(), dy = Reference.randn(2, 4, 3, 3, 9404);
        double[] gamma = Reference.randn(4, 1, 9405);
        Norm.Grads expected = Reference.groupNormBackward(x, dy, 2, gamma);
        Norm.Grads got = Norm.groupNormBackward(x, dy, 2, gamma);
        if (got == null) throw new AssertionError("Norm.groupNormBackward returned null");
        Reference.assertCloseAt("Norm.groupNormBackward: ∂L/∂x is wrong on large or constant values (σ² as the mean of (x − μ)²)", INPUT,
                expected.dx().data(), got.dx() == null ? null : got.dx().data(), TOL);
        Reference.assertCloseAt("Norm.groupNormBackward: ∂L/∂γ is wrong on large or constant values (σ² as the mean of (x − μ)²)", INPUT,
                expected.dGamma(), got.dGamma(), TOL);
        Reference.assertClose("Norm.groupNormBackward: ∂L/∂β is wrong", INPUT, expected.dBeta(), got.dBeta(), Map.of());
    }
}
