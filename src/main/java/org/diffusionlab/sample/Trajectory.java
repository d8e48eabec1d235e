package org.diffusionlab.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.ejml.simple.SimpleMatrix;

/**
 * Every state a sampler visited, from the starting noise to the final samples.
 *
 * @param timesteps the diffusion step of each state, decreasing: T first (x_T ~ N(0, I)), 0 last
 *     (x_0, the samples). An ancestral sampler visits T, T−1, …, 0; DDIM visits τ_S = T, …, τ_1, 0.
 * @param states x at each of {@code timesteps} (same index), each {@code n × d}
 */
public record Trajectory(List<Integer> timesteps, List<SimpleMatrix> states) {

    public Trajectory {
        if (timesteps.size() != states.size()) {
            throw new IllegalArgumentException("timesteps.size() = " + timesteps.size()
                    + " is invalid: need one timestep per state (" + states.size() + ")");
        }
        timesteps = List.copyOf(timesteps);
        states = List.copyOf(states);
    }

    /** The final state x_0, {@code n × d}. */
    public SimpleMatrix samples() {
        return states.get(states.size() - 1);
    }

    /** Runs a sampler with a sink that keeps every state it visits, in visiting order. */
    static Trajectory record(Consumer<AncestralSampler.StateSink> run) {
        List<Integer> ts = new ArrayList<>();
        List<SimpleMatrix> states = new ArrayList<>();
        run.accept((t, x) -> {
            ts.add(t);
            states.add(x);
        });
        return new Trajectory(ts, states);
    }
}
