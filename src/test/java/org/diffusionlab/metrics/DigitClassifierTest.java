package org.diffusionlab.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.diffusionlab.data.Digits;
import org.diffusionlab.data.ImageSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DigitClassifierTest {

    @Test
    @DisplayName("trained on the digits' train split, the classifier gets at least 95 % of the held-out split right")
    void heldOutAccuracy() {
        long start = System.nanoTime();
        DigitClassifier c = DigitClassifier.train(Digits.train(), new SplittableRandom(42));
        ImageSet held = Digits.heldOut();
        double acc = c.accuracy(held.images(), held.labels());
        System.out.printf("digit classifier: held-out accuracy %.1f %% (%d images), trained in %.1f s%n",
                100 * acc, held.size(), (System.nanoTime() - start) / 1e9);
        assertTrue(acc >= 0.95, "accuracy " + acc);
        assertEquals(128, c.features(held.images()[0]).length);
    }
}
