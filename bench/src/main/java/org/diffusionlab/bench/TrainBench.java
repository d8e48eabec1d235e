package org.diffusionlab.bench;

public final class TrainBench {
    public static void main(String[] args) {}
}
