#!/usr/bin/env bash
# Collect every wheel the program needs, its own included, into a wheelhouse
# for an air-gapped workstation:
#   pip install --no-index --find-links WHEELHOUSE triage-workstation
# The versions are the ones installed in the development venv (what the tests
# ran on); the wheels are for this machine's Python version and platform.
# Usage: packaging/build-wheelhouse.sh [OUT]   (default dist/wheelhouse; after `make`)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="$ROOT/.venv/bin/python"  # the venv `make` creates
OUT="${1:-$ROOT/dist/wheelhouse}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Build the project's wheel from a clean copy of the work tree (tracked and new
# files, nothing ignored), so no stale build/ output can slip into it.
mkdir "$tmp/src"
git -C "$ROOT" ls-files -z --cached --others --exclude-standard \
  | (cd "$ROOT" && while IFS= read -r -d "" f; do if [ -e "$f" ]; then printf "%s\0" "$f"; fi; done) \
  | tar -C "$ROOT" --null -T - -cf - | tar -C "$tmp/src" -xf -
rm -rf "$OUT"
mkdir -p "$OUT"
if ! "$PYTHON" -m pip wheel --no-deps --wheel-dir "$OUT" "$tmp/src" >"$tmp/build.log" 2>&1; then
  cat "$tmp/build.log" >&2
  exit 1
fi
wheel=("$OUT"/triage_workstation-*.whl)

# Its dependencies, as wheels only (an air-gapped machine may have no compiler),
# at the venv's versions.
"$PYTHON" -m pip freeze --exclude-editable | grep -iv '^triage-workstation' > "$tmp/constraints.txt"
"$PYTHON" -m pip wheel --quiet --only-binary=:all: --constraint "$tmp/constraints.txt" \
  --wheel-dir "$OUT" "${wheel[0]}"
echo "wheelhouse $OUT: $(find "$OUT" -name '*.whl' | wc -l) wheels, $(du -sh "$OUT" | cut -f1)"
