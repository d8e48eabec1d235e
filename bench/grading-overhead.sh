#!/usr/bin/env bash
# Sandbox overhead of batch grading (issue 11's goal: <= 20 % of a submission's grading time).
# Grades the demo class (without dave, whose two 20 s timeouts would dominate) with the batch grader
# before the sandbox (commit a5d1d24: one JVM per submission, student code beside the graders) and
# with this tree's (trusted JVM + bubblewrap worker), interleaved, --jobs 1, and prints per-student
# seconds, their ratio and the CPU seconds of each whole run.
#   bench/grading-overhead.sh [ROUNDS]      (default 3; needs git history, bubblewrap, ~2 min a round)
set -euo pipefail
rounds="${1:-3}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
before=a5d1d24
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores); $(java -version 2>&1 | head -1)"
mkdir -p "$tmp/old"
git -C "$repo" archive "$before" | tar -x -C "$tmp/old"
(cd "$tmp/old" && mvn -q -B ${MVN_FLAGS:-} -pl labs -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/grading-classpath.txt)
(cd "$repo" && mvn -q -B ${MVN_FLAGS:-} -pl grader -am compile dependency:build-classpath \
  -Dmdep.outputFile=target/grading-classpath.txt)
"$repo/instructor/demo-class.sh" "$tmp/class" >/dev/null
rm -rf "$tmp/class/dave"

run() {  # run NAME: grade the class, append "name round student seconds" lines and "name round cpu S"
  local name="$1" round="$2" out="$tmp/out-$1"
  local cp dir
  if [ "$name" = before ]; then
    dir="$tmp/old"; cp="$tmp/old/src/target/classes:$(cat "$tmp/old/labs/target/grading-classpath.txt")"
  else
    dir="$repo"; cp="$repo/grader/target/classes:$(cat "$repo/grader/target/grading-classpath.txt")"
  fi
  rm -rf "$out"
  /usr/bin/time -f "%U %S" -o "$tmp/time" java -cp "$cp" org.diffusionlab.grading.batch.BatchGrade \
    --repo "$dir" --submissions "$tmp/class" --out "$out" --jobs 1 >"$tmp/log" 2>&1
  awk -v n="$name" -v r="$round" '$3 == "/" && $6 == "s" {print n, r, $1, $5}' "$tmp/log" >>"$tmp/results"
  awk -v n="$name" -v r="$round" '{print n, r, "cpu", $1 + $2}' "$tmp/time" >>"$tmp/results"
}

for r in $(seq "$rounds"); do
  run before "$r"
  run sandbox "$r"
  echo "round $r done"
done

python3 - "$tmp/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
data = {}
for name, rnd, who, sec in rows:
    data.setdefault(who, {}).setdefault(name, []).append(float(sec))
print(f"{'student':10} {'before s (median)':>18} {'sandbox s (median)':>19} {'ratio':>7}")
for who in sorted(data):
    b, s = statistics.median(data[who]["before"]), statistics.median(data[who]["sandbox"])
    label = "CPU, all" if who == "cpu" else who
    print(f"{label:10} {b:18.1f} {s:19.1f} {s / b:7.2f}")
PY
