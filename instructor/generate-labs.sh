#!/usr/bin/env bash
# Regenerate labs/src/main from solutions/src/main (solutions/ is the single source of the labs):
#   instructor/generate-labs.sh            write the labs files that changed
#   instructor/generate-labs.sh --check    only check that labs/ is in sync (what mvn test runs)
# Extra Maven flags (e.g. -o) via MVN_FLAGS.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
mvn -q -B ${MVN_FLAGS:-} -pl src,grading compile dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=target/tool-classpath.txt
exec java -cp "grading/target/classes:$(cat grading/target/tool-classpath.txt)" org.diffusionlab.grading.LabGenerator "$@"
