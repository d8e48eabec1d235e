#!/usr/bin/env bash
# The mutation score of the graders, per lab (PIT 1.30.0 with its JUnit 5 plugin; about 1.5 min on 2 cores).
# The solutions are the code under test and the labs' graders (visible and hidden) the tests: PIT changes one
# solution at a time (a flipped sign, a boundary, a removed call, ...) and runs the graders; a mutant the graders
# let pass ("survived") is a change no grader notices. Only mutants on lines inside a solution region
# (BEGIN SOLUTION ... END SOLUTION) count: the rest is given code, graded nowhere on purpose.
#   instructor/pit-graders.sh            run PIT, then print the score per lab and every surviving mutant
#   instructor/pit-graders.sh --report   only print, from the last run's solutions/target/pit-reports/mutations.csv
# Extra Maven flags (e.g. -o) via MVN_FLAGS. The full report: solutions/target/pit-reports/index.html.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
if [ "${1:-}" != "--report" ]; then
  # -Dmaven.test.skip.exec: compile the graders but do not run Surefire (PIT runs them); -DskipTests would skip PIT too
  mvn -q -B ${MVN_FLAGS:-} -pl solutions -am test -Ppit -Dgrading.skipCheck=true -Dmaven.test.skip.exec=true
fi
csv=solutions/target/pit-reports/mutations.csv
[ -f "$csv" ] || { echo "pit-graders: no $csv (run without --report first)" >&2; exit 2; }
# solution regions: "lab/File.java first last" for every region of every solution file
regions=$(cd solutions/src/main/java/org/diffusionlab/labs && for f in */*.java; do
  awk -v f="$f" '/\/\/ BEGIN SOLUTION/{b=NR} /\/\/ END SOLUTION/{print f, b, NR}' "$f"; done)
awk -v regions="$regions" -F, '
  BEGIN { n = split(regions, r, "\n"); for (i = 1; i <= n; i++) { split(r[i], p, " "); file[i] = p[1]; lo[i] = p[2]; hi[i] = p[3] } }
  {
    cls = $2; sub(/^org\.diffusionlab\.labs\./, "", cls); lab = cls; sub(/\..*/, "", lab)
    src = cls; sub(/\$.*/, "", src); gsub(/\./, "/", src); src = src ".java"
    inside = 0
    for (i = 1; i <= n; i++) if (file[i] == src && $5 >= lo[i] && $5 <= hi[i]) inside = 1
    if (!inside) next
    total[lab]++
    mut = $3; sub(/.*\./, "", mut)
    if ($6 == "KILLED" || $6 == "TIMED_OUT" || $6 == "MEMORY_ERROR") killed[lab]++
    else survivors = survivors sprintf("  %-9s %s:%s %s (%s) %s\n", lab, src, $5, $4, mut, $6)
  }
  END {
    printf "%-10s %8s %7s %7s\n", "lab", "mutants", "killed", "score"
    for (l in total) printf "%-10s %8d %7d %6.1f%%\n", l, total[l], killed[l], 100 * killed[l] / total[l]
    if (survivors != "") printf "surviving mutants inside solution regions (each must be equivalent, explained in README):\n%s", survivors
  }' "$csv"
