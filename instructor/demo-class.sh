#!/usr/bin/env bash
# A small class of spiral-lab submissions built from this repository, to try (and time) batch grading:
#   instructor/demo-class.sh DIR
#   instructor/batch-grade.sh --submissions DIR --out DIR-graded --jobs 1   (then --jobs 2: compare the times)
# Submissions (expected points out of the full total T, 38.5 with the hidden grader):
#   alice    the solutions                                   T
#   bob      the untouched stubs                             0
#   carol    solutions, Network.java does not compile        T - 9    (4.1, 4.2, 4.3: the file is graded as the stub)
#   dave     solutions, an infinite loop in 3.1              T - 2.5  (3.1's two tests time out)
#   erin     solutions, System.exit(1) in 2.1                T - 2    (2.1 only)
#   frank    exercises 1 to 3 solved, the rest stubs         14.5
#   grace    the solutions as a zip (with a stray build file) T
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: instructor/demo-class.sh DIR" >&2; exit 2; }
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "$1")"
pkg=labs/src/main/java/org/diffusionlab/labs/spiral
[ -d "$repo/solutions/src/main" ] || { echo "demo-class.sh needs solutions/ (the instructor's repository)" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out"

solved() {  # solved NAME: a submission holding the solutions' lab files
  mkdir -p "$out/$1/labs/src"
  cp -r "$repo/solutions/src/main" "$out/$1/labs/src/main"
}
edit() {  # edit FILE PYTHON-REGEX REPLACEMENT: replace the first match, fail if none
  python3 - "$@" <<'PY'
import re, sys
path, pattern, repl = sys.argv[1:4]
text = open(path, encoding="utf-8").read()
new, n = re.subn(pattern, lambda m: repl, text, count=1, flags=re.S)
if n != 1:
    sys.exit(f"demo-class.sh: pattern not found in {path}: {pattern}")
open(path, "w", encoding="utf-8").write(new)
PY
}

solved alice

mkdir -p "$out/bob/labs/src"
cp -r "$repo/labs/src/main" "$out/bob/labs/src/main"

solved carol
edit "$out/carol/$pkg/Network.java" 'SimpleMatrix h1 = MatrixOps.relu\(z1\);' 'SimpleMatrix h1 = MatrixOps.relu(z1)'

solved dave
edit "$out/dave/$pkg/Forward.java" '(public static SimpleMatrix qSample\(SimpleMatrix x0, int t, [^{]*\{)' \
  'public static SimpleMatrix qSample(SimpleMatrix x0, int t, Schedule schedule, SimpleMatrix eps) {
        while (x0 != null) { Thread.onSpinWait(); } // student bug: never ends'

solved erin
edit "$out/erin/$pkg/Schedule.java" '(public static double\[\] linearBetas\([^{]*\{)' \
  'public static double[] linearBetas(int T, double betaStart, double betaEnd) {
        if (T > 0) System.exit(1); // student bug: quits the JVM'

mkdir -p "$out/frank/labs/src"
cp -r "$repo/labs/src/main" "$out/frank/labs/src/main"
for f in Spiral Schedule Forward; do cp "$repo/solutions/src/main/java/org/diffusionlab/labs/spiral/$f.java" "$out/frank/$pkg/"; done

solved grace-tmp
echo '<project/>' > "$out/grace-tmp/pom.xml"  # ignored: only lab source files are taken
(cd "$out/grace-tmp" && python3 -c 'import shutil,sys; shutil.make_archive(sys.argv[1], "zip", ".")' "$out/grace")
rm -rf "$out/grace-tmp"

echo "demo class: $(ls "$out" | tr '\n' ' ')in $out"
