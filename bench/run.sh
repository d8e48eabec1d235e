#!/usr/bin/env bash
# Builds the benchmark jar and runs the side-by-side training benchmark (Java fast trainer vs
# NumPy, and PyTorch when importable). Options go to TrainBench: --steps N (default 8000),
# --rounds R (default 3), --threads K (default 2), --python CMD (default python3).
#   bench/run.sh                      # the full recipe, 3 interleaved rounds
#   bench/run.sh --steps 500 --rounds 2
#   bench/run.sh --help               # TrainBench's options (after the build; runs nothing)
#   bench/run.sh image [options]      # one training step of the digits U-Net: Java vs PyTorch vs NumPy (ImageBench)
#   bench/run.sh jmh [JMH options]    # the kernel microbenchmarks instead
#   bench/run.sh final                # the README's tables: training (3 rounds, NumPy 1 and 2 threads, PyTorch),
#                                     # image step (3 rounds) and ConvBench; ≈ 9 min on a quiet 2-core machine (measured 2026-12-05)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -o -f bench/pom.xml package -DskipTests 2>/dev/null || mvn -q -f bench/pom.xml package -DskipTests
if [[ "${1:-}" == "jmh" ]]; then
  shift
  exec java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar "$@"
fi
if [[ "${1:-}" == "final" ]]; then
  java -cp bench/target/benchmarks.jar org.diffusionlab.bench.TrainBench --bench-dir bench --rounds 3 --numpy-threads 1,2
  echo
  java -cp bench/target/benchmarks.jar org.diffusionlab.bench.ImageBench --bench-dir bench --rounds 3
  echo
  java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar ConvBench -wi 3 -i 5 -w 1 -r 1 "${@:2}" 2>&1 \
    | grep -E '^(Benchmark|ConvBench)'
  exit
fi
if [[ "${1:-}" == "image" ]]; then
  shift
  exec java -cp bench/target/benchmarks.jar org.diffusionlab.bench.ImageBench --bench-dir bench "$@"
fi
exec java -cp bench/target/benchmarks.jar org.diffusionlab.bench.TrainBench --bench-dir bench "$@"
