#!/usr/bin/env bash
# Gradescope autograder bundle: instructor/gradescope.sh OUT.zip
# The zip holds setup.sh (installs JDK 17, Maven and bubblewrap on Gradescope's Ubuntu image, then
# build.sh), build.sh (compiles the trusted grader and downloads every dependency, so grading needs no
# network), run_autograder, and repo/: this repository without solutions/, .git, build output or the
# benchmarks. Upload OUT.zip as the assignment's autograder ("Zip file upload").
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: instructor/gradescope.sh OUT.zip" >&2; exit 2; }
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "$1")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bundle/repo"
# the working tree without what git ignores (build output), minus what a grading machine must not hold
git -C "$repo" ls-files -z --cached --others --exclude-standard | grep -zv -E '^(solutions/|bench/|\.ci/|docs/|src/test/|grading/src/test/|grader/src/test/)' \
  | (cd "$repo" && xargs -0 cp --parents -t "$tmp/bundle/repo")

cat > "$tmp/bundle/setup.sh" <<'SH'
#!/usr/bin/env bash
# Gradescope runs this once, as root, when the autograder image is built (network allowed).
set -euxo pipefail
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jdk-headless maven bubblewrap util-linux
bash "$(dirname "$0")/build.sh"
SH

cat > "$tmp/bundle/build.sh" <<'SH'
#!/usr/bin/env bash
# Compiles the trusted grader and records its class path; fills ~/.m2 so grading runs offline.
set -euo pipefail
cd "$(dirname "$0")/repo"
mvn -q -B ${MVN_FLAGS:-} -pl grader -am compile dependency:build-classpath -Dmdep.outputFile=target/grading-classpath.txt
SH

cat > "$tmp/bundle/run_autograder" <<'SH'
#!/usr/bin/env bash
# Gradescope runs this for every submission: grade /autograder/submission into
# /autograder/results/results.json. AUTOGRADER_ROOT moves the root (for tests).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${AUTOGRADER_ROOT:-/autograder}"
cp="$here/repo/grader/target/classes:$(cat "$here/repo/grader/target/grading-classpath.txt")"
exec java -cp "$cp" org.diffusionlab.grading.batch.Gradescope --root "$root" --repo "$here/repo"
SH
chmod +x "$tmp/bundle/setup.sh" "$tmp/bundle/build.sh" "$tmp/bundle/run_autograder"
rm -f "$out"
(cd "$tmp/bundle" && python3 -c 'import shutil,sys; shutil.make_archive(sys.argv[1][:-4], "zip", ".")' "$out")
echo "gradescope: autograder bundle $out ($(du -k "$out" | cut -f1) KB): setup.sh, build.sh, run_autograder, repo/ ($(find "$tmp/bundle/repo" -type f | wc -l) files, no solutions)"
