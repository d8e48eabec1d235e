package org.diffusionlab.cli;

import org.diffusionlab.cli.Choices.ModelChoice;
import org.diffusionlab.cli.Choices.SamplerKind;
import org.diffusionlab.model.ScalarTimeEmbedding;
import org.diffusionlab.model.SinusoidalTimeEmbedding;
import org.diffusionlab.report.Recipe;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.MiniBatchConfig;
import org.diffusionlab.train.TrainConfig;

/**
 * What a recipe sets when its flags are not given.
 *
 * @param points training points
 * @param schedule its noise schedule (T and the β_t, t = 1..T)
 * @param sampler its sampler
 * @param model its network and training (a full-batch {@link TrainConfig} or a {@link MiniBatchConfig})
 */
record RecipeDefaults(int points, NoiseSchedule schedule, SamplerKind sampler, ModelChoice model) {

    /** The β range of the linear schedule when neither the flags nor the recipe give one (notebook 000's). */
    static final double LINEAR_BETA_START = 1e-4, LINEAR_BETA_END = 5e-3;

    /** The notebook recipe's network width ({@link Recipe#NOTEBOOK}: 3 → 128 → 128 → 2). */
    static final int NOTEBOOK_WIDTH = 128;

    /** The defaults of {@code recipe}, read from {@link Recipe} (its constants and its schedule). */
    static RecipeDefaults of(Recipe recipe) {
        return switch (recipe) {
            case NOTEBOOK -> new RecipeDefaults(recipe.trainingPoints(), recipe.schedule(), SamplerKind.DDPM,
                    new ModelChoice(2, NOTEBOOK_WIDTH, ScalarTimeEmbedding.INSTANCE,
                            TrainConfig.notebook().withSteps(recipe.defaultSteps())));
            case DEFAULT -> new RecipeDefaults(recipe.trainingPoints(), recipe.schedule(), SamplerKind.DDPM,
                    new ModelChoice(Recipe.HIDDEN_LAYERS, Recipe.WIDTH, new SinusoidalTimeEmbedding(Recipe.EMBEDDING),
                            Recipe.TRAINING.withSteps(recipe.defaultSteps())));
        };
    }
}
