#!/usr/bin/env bash
# Grade a class: instructor/batch-grade.sh --submissions DIR --out DIR [--jobs N] [--timeout-seconds S]
#   [--memory-mb M] [--test-timeout-seconds S] [--output-kb K] [--keep-work]
# Uses the pristine labs/ stubs, labs/src/test/java and labs/src/hidden-test/java of this repository.
# Every submission runs in a bubblewrap sandbox (apt-get install bubblewrap); the grade is decided in a
# separate trusted JVM. Extra Maven flags (e.g. -o) via MVN_FLAGS.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
args=()
while [ $# -gt 0 ]; do  # make --submissions/--out absolute: the tool runs from the repo root
  case "$1" in
    --submissions|--out) args+=("$1" "$(realpath -m "$2")"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
cd "$repo"
# The trusted grader's classpath: the grader module, the core (graders compare with its reference), JUnit.
mvn -q -B ${MVN_FLAGS:-} -pl grader -am compile dependency:build-classpath -Dmdep.outputFile=target/grading-classpath.txt
exec java -cp "grader/target/classes:$(cat grader/target/grading-classpath.txt)" \
  org.diffusionlab.grading.batch.BatchGrade --repo "$repo" "${args[@]}"
