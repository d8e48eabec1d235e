#!/usr/bin/env bash
# CI check of the student release (issue 4): build a release into a temp folder, run plain `mvn test`
# there — the build must fail and score 0 — then copy the solutions over the lab files and run it
# again — the build must pass with full (visible) marks. Extra Maven flags via MVN_FLAGS (e.g. -o).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
rel="$tmp/diffusion-lab"
"$repo/instructor/release.sh" "$rel"

# The engine's report (contract: labs/target/grades/results.json); prints "score max_score".
score() {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["score"], r.get("max_score", sum(t.get("max_score",0) for t in r["tests"])))' \
    "$rel/labs/target/grades/results.json"
}

# The points the release's GitHub Classroom workflow reports after the same mvn test: "score max".
classroom() {
  (cd "$rel" && mvn -q -B ${MVN_FLAGS:-} -pl src,grading compile dependency:build-classpath -Dmdep.includeScope=runtime \
      -Dmdep.outputFile=target/cp.txt >/dev/null \
    && java -cp "grading/target/classes:$(cat grading/target/cp.txt)" org.diffusionlab.grading.ClassroomReport \
      labs/target/grades/results.json) \
  | sed -n 's/^result=//p' | base64 -d \
  | python3 -c 'import json,sys; r=json.load(sys.stdin); print(sum(t["score"] for t in r["tests"]), r["max_score"])'
}

[ -f "$rel/.github/workflows/classroom.yml" ] || { echo "FAIL: the release has no .github/workflows/classroom.yml" >&2; exit 1; }

if (cd "$rel" && mvn -q -B ${MVN_FLAGS:-} test >"$tmp/stubs.log" 2>&1); then
  echo "FAIL: in the release, mvn test passed on the untouched stubs" >&2; exit 1
fi
read -r got max < <(score)
python3 -c "import sys; sys.exit(0 if float('$got') == 0 else 1)" \
  || { echo "FAIL: the stubs scored $got / $max, expected 0" >&2; exit 1; }
echo "release, stubs: mvn test fails, score $got / $max"
read -r cgot cmax < <(classroom)
python3 -c "import sys; sys.exit(0 if float('$cgot') == 0 and float('$cmax') == float('$max') else 1)" \
  || { echo "FAIL: GitHub Classroom would report $cgot / $cmax on the stubs, expected 0 / $max" >&2; exit 1; }
echo "release, stubs: GitHub Classroom workflow reports $cgot / $cmax"

cp -r "$repo/solutions/src/main/." "$rel/labs/src/main/"
if ! (cd "$rel" && mvn -q -B ${MVN_FLAGS:-} test >"$tmp/solutions.log" 2>&1); then
  tail -50 "$tmp/solutions.log" >&2
  echo "FAIL: in the release, mvn test failed with the solutions copied in" >&2; exit 1
fi
read -r got max < <(score)
python3 -c "import sys; sys.exit(0 if float('$got') == float('$max') else 1)" \
  || { echo "FAIL: the solutions scored $got / $max in the release, expected full visible marks" >&2; exit 1; }
echo "release, solutions: mvn test passes, score $got / $max"
read -r cgot cmax < <(classroom)
python3 -c "import sys; sys.exit(0 if float('$cgot') == float('$max') == float('$cmax') else 1)" \
  || { echo "FAIL: GitHub Classroom would report $cgot / $cmax on the solutions, expected $max / $max" >&2; exit 1; }
echo "release, solutions: GitHub Classroom workflow reports $cgot / $cmax"
