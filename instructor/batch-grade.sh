#!/usr/bin/env bash
# Grade a class: instructor/batch-grade.sh --submissions DIR --out DIR [--jobs N] [--timeout-seconds S]
#   [--memory-mb M] [--test-timeout-seconds S] [--output-kb K] [--keep-work]
# Uses the pristine labs/ stubs, labs/src/test/java and labs/src/hidden-test/java of this repository.
# Extra Maven flags (e.g. -o) via MVN_FLAGS.
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
# The labs' test classpath: core classes (from this reactor build), their dependencies, JUnit, ArchUnit.
mvn -q -B ${MVN_FLAGS:-} -pl labs -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/grading-classpath.txt
cp="$(cat labs/target/grading-classpath.txt)"
case "$cp" in
  *junit-platform-launcher*) ;;
  *) echo "labs' test classpath lacks org.junit.platform:junit-platform-launcher (add it to labs/pom.xml, scope test)" >&2
     exit 2 ;;
esac
exec java -cp "src/target/classes:$cp" org.diffusionlab.grading.batch.BatchGrade --repo "$repo" "${args[@]}"
