package org.diffusionlab.bench;

import org.diffusionlab.train.fast.FloatKernels;

/** Prints {@link FloatKernels#describe()} of this JVM (for the benchmarks' machine line). */
public final class KernelName {

    private KernelName() {}

    public static void main(String[] args) {
        System.out.println(FloatKernels.describe());
    }
}
