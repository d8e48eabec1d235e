#!/usr/bin/env bash
# Issue 6's budgets, measured on this machine (not part of `mvn test`):
#   1. the main job — the whole notebook lab with every figure (--all-figures --gif) — <= 60 s wall;
#   2. its peak heap <= 256 MB: Maven's JVM runs with -Xmx256m (so the job cannot exceed it) and a GC
#      log; the CLI's child JVM (cli.VectorRelaunch, which adds the Vector API module) gets the same
#      options, so each JVM logs to its own gc-<pid>.log; the peak is the largest heap occupancy any
#      collection of either saw before collecting;
#   3. a student's grading run of all labs (release built by instructor/release.sh, solutions copied
#      in, plain `mvn test`, warm Maven cache) <= 30 s wall; the run is repeated once so the
#      second figure is the warm one;
#   4. the default digits run (`--dataset digits`) <= 5 min wall.
# Usage: bench/budgets.sh   (exit status 1 when a budget is missed)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
check() { # name value limit unit
  if python3 -c "import sys; sys.exit(0 if float('$2') <= float('$3') else 1)"; then
    printf '%-34s %8s %-3s <= %s %s  ok\n' "$1" "$2" "$4" "$3" "$4"
  else
    printf '%-34s %8s %-3s <= %s %s  MISSED\n' "$1" "$2" "$4" "$3" "$4"; status=1
  fi
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

cd "$repo"
mvn -o -q -pl src compile
start=$(date +%s.%N)
MAVEN_OPTS="-Xmx256m -Xlog:gc:file=$tmp/gc-%p.log" mvn -o -q -pl src exec:java \
  -Dexec.args="--all-figures --gif --out $tmp/figures" >"$tmp/main.log" 2>&1 \
  || { tail -30 "$tmp/main.log"; echo "main job failed"; exit 1; }
main_s=$(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')")
# G1 lines look like "... Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 1.234ms"
heap_mb=$(python3 - "$tmp"/gc-*.log <<'PY'
import re, sys
peaks = [int(m.group(1)) for f in sys.argv[1:] for m in re.finditer(r'(\d+)M->\d+M\(\d+M\)', open(f).read())]
print(max(peaks) if peaks else 0)
PY
)
start=$(date +%s.%N)
mvn -o -q -pl src exec:java -Dexec.args="--dataset digits --out $tmp/digits" >"$tmp/digits.log" 2>&1 \
  || { tail -30 "$tmp/digits.log"; echo "digits run failed"; exit 1; }
digits_s=$(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')")
figures=$(ls "$tmp/figures" | wc -l)

"$repo/instructor/release.sh" "$tmp/release" >/dev/null
cp -r "$repo/solutions/src/main/." "$tmp/release/labs/src/main/"
grade() {
  local s; s=$(date +%s.%N)
  (cd "$tmp/release" && mvn -o -q -B test >"$tmp/grade.log" 2>&1) || { tail -30 "$tmp/grade.log"; echo "grading run failed"; exit 1; }
  python3 -c "print(f'{$(date +%s.%N) - $s:.1f}')"
}
first_s=$(grade)
warm_s=$(grade)

echo "main job's stages:"; grep -E '^ *(data|train|sample|metrics|plots|gif[a-z]*) +[0-9.]+ s' "$tmp/main.log" || true
echo "main job wrote $figures files; first grading run ${first_s} s (cold JIT, release just built)"
check "main job, every figure (wall)" "$main_s" 60 s
check "main job, peak heap (GC log)" "$heap_mb" 256 MB
check "student grading, all labs (warm)" "$warm_s" 30 s
grep -E '^ *train +[0-9.]+ s' "$tmp/digits.log" || true
check "default digits run (wall)" "$digits_s" 300 s
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
