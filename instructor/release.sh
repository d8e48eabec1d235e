#!/usr/bin/env bash
# Student release: instructor/release.sh OUT_DIR  ->  OUT_DIR/ and OUT_DIR.zip, checked for solution text.
# Extra Maven flags (e.g. -o) via MVN_FLAGS.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: instructor/release.sh OUT_DIR [--exclude PATH]..." >&2; exit 2; }
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "$1")"; shift
cd "$repo"
mvn -q -B ${MVN_FLAGS:-} -pl grader -am compile dependency:build-classpath -Dmdep.outputFile=target/tool-classpath.txt
exec java -cp "grader/target/classes:$(cat grader/target/tool-classpath.txt)" \
  org.diffusionlab.grading.batch.Release --repo "$repo" --out "$out" "$@"
