package org.diffusionlab.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.diffusionlab.data.Dataset;
import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.train.TrainConfig;
import org.diffusionlab.train.Trainer;
import org.diffusionlab.train.TrainingMonitor;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RecipeTest {

    @Test
    @DisplayName("recipes are found by name, case ignored; an unknown name lists the valid ones")
    void byName() {
        assertEquals(Recipe.NOTEBOOK, Recipe.byName("Notebook"));
        assertEquals(Recipe.DEFAULT, Recipe.byName(" default "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Recipe.byName("fancy"));
        assertTrue(e.getMessage().contains("notebook, default"), e.getMessage());
    }

    @Test
    @DisplayName("the notebook recipe is the minimal lab: Mlp + full-batch Trainer, same draws, same weights")
    void notebookIsTheLab() {
        SimpleMatrix data = Dataset.SPIRAL.sample(200, new SplittableRandom(1));
        Recipe.Trained trained = Recipe.NOTEBOOK.train(data, 3, new SplittableRandom(2), TrainingMonitor.NONE);
        SplittableRandom rng = new SplittableRandom(2);
        Mlp mlp = Mlp.init(128, rng);
        Trainer.train(mlp, data, Recipe.NOTEBOOK.schedule(), TrainConfig.notebook().withSteps(3), rng, TrainingMonitor.NONE);
        Mlp got = assertInstanceOf(Mlp.class, trained.model());
        for (int k = 0; k < 6; k++) {
            assertArrayEquals(mlp.parameters().get(k).getDDRM().data, got.parameters().get(k).getDDRM().data, 0.0);
        }
        assertTrue(Recipe.NOTEBOOK.schedule().terminalWarning().isPresent(), "the lab's ᾱ_T ≈ 0.78 is kept on purpose");
    }

    @Test
    @DisplayName("the default recipe ends in pure noise and trains the documented DeepMlp")
    void defaultRecipe() {
        assertTrue(Recipe.DEFAULT.schedule().terminalWarning().isEmpty());
        SimpleMatrix data = Dataset.MOONS.sample(300, new SplittableRandom(3));
        Recipe.Trained trained = Recipe.DEFAULT.train(data, 2, new SplittableRandom(4), TrainingMonitor.NONE);
        DeepMlp net = assertInstanceOf(DeepMlp.class, trained.model());
        assertEquals(Recipe.HIDDEN_LAYERS, net.hiddenLayers());
        assertEquals(Recipe.WIDTH, net.width());
        assertEquals(2 + Recipe.EMBEDDING, net.inputDim());
        assertEquals(2, trained.smoothedLosses().length);
        SimpleMatrix samples = Recipe.DEFAULT.sample(trained, 7, new SplittableRandom(5));
        assertEquals(7, samples.getNumRows());
        assertEquals(2, samples.getNumCols());
    }
}
