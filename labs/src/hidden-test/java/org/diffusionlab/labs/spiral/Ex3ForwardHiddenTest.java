package org.diffusionlab.labs.spiral;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Hidden grader (instructor only: instructor/release.sh leaves src/hidden-test out of the student
 * release). It checks exercise 3.2 on inputs the visible graders never use: wide data (d = 5), a full
 * training-size batch and a long schedule, with every step 1..T present, and row-by-row agreement with
 * the one-t version. Students see its message after the due date, never this source.
 */
@Lab("spiral")
@DisplayName("Exercise 3 (hidden): the forward process on unseen shapes")
class Ex3ForwardHiddenTest {

    @Test
    @Graded(exercise = "3.2", points = 1, visibility = "after_due_date")
    @DisplayName("qSample(one t per row) matches the reference on a 1000×5 batch covering every step of T = 1000")
    void wideBatchEveryStep() {
        int T = 1000;
        int n = 1000;
        int d = 5;
        NoiseSchedule s = Reference.linear(T, 1e-4, 0.02);
        SplittableRandom rng = new SplittableRandom(9_301);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = i + 1; // every step 1..T once, then shuffled so neighbouring rows differ
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = t[i];
            t[i] = t[j];
            t[j] = tmp;
        }
        SimpleMatrix x0 = Reference.randn(n, d, 9_302);
        SimpleMatrix eps = Reference.randn(n, d, 9_303);
        SimpleMatrix got = Ex3ForwardTest.qSampleRows(x0, t, s, eps);
        // the visible grader's check: the same likely mistakes are recognized here
        Ex3ForwardTest.check("qSample(x0, t[], schedule, eps) is wrong on a 1000×5 batch with T = 1000", x0, t, s, eps, got);
        // Row i of the batch must be the one-t answer for row i alone (the reference's, not the student's 3.1).
        for (int i = 0; i < n; i += 97) {
            SimpleMatrix row = ForwardProcess.qSample(x0.rows(i, i + 1), t[i], s, eps.rows(i, i + 1));
            assertTrue(row.isIdentical(got.rows(i, i + 1), Feedback.FLOAT_TOL * (1 + row.elementMaxAbs())),
                    "row " + i + " (t = " + t[i] + ") differs from qSample of that row alone: expected "
                            + Feedback.show(row) + ", got " + Feedback.show(got.rows(i, i + 1)));
        }
    }
}
