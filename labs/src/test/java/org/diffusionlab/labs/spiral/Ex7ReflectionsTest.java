package org.diffusionlab.labs.spiral;

import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.ReflectionCheck;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reflections are graded by a person. These entries carry your text into the report and are
 * flagged (failed) while an answer is still a TODO or shorter than the minimum.
 */
@Lab("spiral")
@DisplayName("Exercise 7: reflections and experiments report (graded by hand)")
class Ex7ReflectionsTest {

    @Test
    @Graded(exercise = "7.1", points = 0, manual = true)
    @DisplayName("Reflection 7.1: the schedule and sample quality")
    void scheduleAndQuality() {
        ReflectionCheck.answer("7.1", Reflections.class, "SCHEDULE_AND_QUALITY", 30);
    }

    @Test
    @Graded(exercise = "7.2", points = 0, manual = true)
    @DisplayName("Reflection 7.2: the smoothing factor")
    void smoothing() {
        ReflectionCheck.answer("7.2", Reflections.class, "SMOOTHING", 30);
    }

    @Test
    @Graded(exercise = "7.3", points = 0, manual = true)
    @DisplayName("Reflection 7.3: forward vs reverse snapshots")
    void snapshots() {
        ReflectionCheck.answer("7.3", Reflections.class, "SNAPSHOTS", 30);
    }

    @Test
    @Graded(exercise = "7.4", points = 0, manual = true)
    @DisplayName("Experiments report 7.4: two experiments and a lesson")
    void experimentsReport() {
        ReflectionCheck.answer("7.4", Reflections.class, "EXPERIMENTS_REPORT", 60);
    }
}
