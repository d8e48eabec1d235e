#!/usr/bin/env bash
# The "common mistakes" and "correct variants" suites (MistakeCheck): every entry of solutions/mistakes/<lab>.txt
# is one small edit of one solution file; each mistake must cost only its exercise and show its hint, each
# variant must keep full marks. About 1 min 45 s for the five labs (297 entries) on a quiet 2-core machine; CI runs it as its own
# step after `mvn test`, not inside it.
#   instructor/check-mistakes.sh                       every lab with a fixture file
#   instructor/check-mistakes.sh --lab ddim --verbose  one lab, one line per entry
# A new lab (e.g. images) joins by adding solutions/mistakes/<lab>.txt. Extra Maven flags (e.g. -o) via MVN_FLAGS.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
# -DskipTests: compile the graders but grade nothing here (MistakeCheck grades in-process); GradeCheck and
# IsolationCheck are off with it (they need the reports of a full `mvn test`)
mvn -q -B ${MVN_FLAGS:-} -pl solutions -am test -DskipTests -Pmistakes "-Dmistakes.args=$*"
