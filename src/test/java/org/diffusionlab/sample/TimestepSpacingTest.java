package org.diffusionlab.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TimestepSpacingTest {

    @Test
    @DisplayName("T = 10, S = 5 by hand: trailing 2 4 6 8 10, leading 1 3 5 7 9 (offset 1: 2 4 6 8 10), linspace 1 3 5 8 10")
    void byHand() {
        assertArrayEquals(new int[] {2, 4, 6, 8, 10}, TimestepSpacing.TRAILING.steps(10, 5, 0));
        assertArrayEquals(new int[] {1, 3, 5, 7, 9}, TimestepSpacing.LEADING.steps(10, 5, 0));
        assertArrayEquals(new int[] {2, 4, 6, 8, 10}, TimestepSpacing.LEADING.steps(10, 5, 1));
        // NumPy: np.linspace(0, 9, 5).round() = [0, 2, 4, 7, 9] (4.5 rounds to even 4), + 1
        assertArrayEquals(new int[] {1, 3, 5, 8, 10}, TimestepSpacing.LINSPACE.steps(10, 5, 0));
    }

    @Test
    @DisplayName("diffusers' DDIM defaults, 1000 steps and 50 of them: leading with steps_offset 1 is 1 + 20k + 1, trailing is 20k")
    void diffusersDefaults() {
        int[] leading = TimestepSpacing.LEADING.steps(1000, 50, 1);
        int[] trailing = TimestepSpacing.TRAILING.steps(1000, 50, 0);
        // diffusers (0-based): leading [1, 21, ..., 981], trailing [19, 39, ..., 999]; here t = k + 1
        assertArrayEquals(new int[] {2, 22, 42}, java.util.Arrays.copyOf(leading, 3));
        assertArrayEquals(new int[] {20, 40, 60}, java.util.Arrays.copyOf(trailing, 3));
        assertArrayEquals(new int[] {982, 1000}, new int[] {leading[49], trailing[49]});
    }

    @Test
    @DisplayName("S outside 1..T, an offset that overshoots T, or an offset with another spacing is rejected")
    void invalid() {
        assertThrows(IllegalArgumentException.class, () -> TimestepSpacing.TRAILING.steps(10, 11, 0));
        assertThrows(IllegalArgumentException.class, () -> TimestepSpacing.LEADING.steps(10, 5, 2));
        assertThrows(IllegalArgumentException.class, () -> TimestepSpacing.LINSPACE.steps(10, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> TimestepSpacing.parse("uniform"));
    }
}
