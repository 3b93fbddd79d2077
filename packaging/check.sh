#!/usr/bin/env bash
# CI check of the offline builds (`make package-check`):
#  1. the one-folder bundle's `triage --version`,
#  2. `triage demo` + `triage status --json` (and a PDF report) from the bundle,
#  3. the bundled GUI's smoke run under Xvfb (`triage-app --smoke CASE`),
#  4. an install from the wheelhouse into a fresh venv, then `triage` from it.
# Every step runs with the network cut off (unshare -n) and a clean environment
# (no venv, no PYTHONPATH); the bundle's also with the build machine's Python
# hidden. Builds dist/triage and dist/wheelhouse if missing. Prints the folder
# sizes; exits non-zero on any failure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUNDLE="${BUNDLE:-$ROOT/dist/triage}"
WHEELHOUSE="${WHEELHOUSE:-$ROOT/dist/wheelhouse}"
cd "$ROOT"

[ -x "$BUNDLE/triage" ] || make package
compgen -G "$WHEELHOUSE/triage_workstation-*.whl" >/dev/null || make wheelhouse
command -v xvfb-run >/dev/null || { echo "check: xvfb-run is missing (apt-get install xvfb)" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/home"
cd "$tmp"  # nothing is found in the source tree by accident

if [ "$(id -u)" = 0 ]; then isolate=(unshare -m -n); else isolate=(unshare -r -m -n); fi
# Run "$@" without the network, with only the demo account's environment.
offline() {
  "${isolate[@]}" env -i PATH=/usr/bin:/bin HOME="$tmp/home" LANG=C.UTF-8 \
    TRIAGE_HOME="$tmp/triage-home" TRIAGE_USER='Demo Examiner' TRIAGE_PASSWORD=demo "$@"
}
# The same, with the build machine's Python (the venv, the standard library)
# hidden under empty folders: the bundle must not need one.
mapfile -t python_dirs < <("$ROOT/.venv/bin/python" -c 'import os, sys
print(sys.prefix)
print(os.path.dirname(os.__file__))')
bundled() {
  # shellcheck disable=SC2016  # expanded by the inner bash
  offline bash -c 'set -e; for d in "${@:2:$1}"; do mount -t tmpfs none "$d"; done
shift $(($1 + 1)); exec "$@"' _ "${#python_dirs[@]}" "${python_dirs[@]}" "$@"
}
step() { echo "== $*"; }
# Check `triage status --json` (on stdin) counts the demo's items, none failed.
check_status() {
  "$ROOT/.venv/bin/python" -c 'import json, sys
s = json.load(sys.stdin)
assert s["items"] > 0 and s["hashed"] > 0 and s["failed"] == 0, s
print("status: %d items, %d hashed, %d failed" % (s["items"], s["hashed"], s["failed"]))'
}

step "bundle: triage --version"
bundled "$BUNDLE/triage" --version

step "bundle: triage demo + status + report"
bundled "$BUNDLE/triage" demo "$tmp/case" --images 20 --import-lists
bundled "$BUNDLE/triage" status "$tmp/case" --json | check_status
bundled "$BUNDLE/triage" report "$tmp/case" --format pdf --out "$tmp/report.pdf"

step "bundle: ingest a FAT32 disk image (The Sleuth Kit and libewf in the bundle)"
if command -v mkfs.vfat >/dev/null && command -v mcopy >/dev/null; then
  truncate -s 40M "$tmp/card.raw"
  mkfs.vfat -F 32 "$tmp/card.raw" >/dev/null
  "$ROOT/.venv/bin/python" -c 'import sys; from triage_app.demo import synthetic as s
import numpy as np; open(sys.argv[1], "wb").write(s.jpeg_bytes(s.scene(np.random.default_rng(1))))' "$tmp/p.jpg"
  MTOOLS_SKIP_CHECK=1 mcopy -i "$tmp/card.raw" "$tmp/p.jpg" ::p.jpg
  bundled "$BUNDLE/triage" ingest "$tmp/case" "$tmp/card.raw" --exhibit CARD/1 --no-progress
  bundled "$BUNDLE/triage" case info "$tmp/case" --json | grep -q '"kind": "raw"'
else
  echo "check: mkfs.vfat/mcopy missing (apt-get install dosfstools mtools)" >&2; exit 1
fi

step "bundle: triage-app --smoke under Xvfb"
bundled xvfb-run -a "$BUNDLE/triage-app" --smoke "$tmp/case"

step "wheelhouse: offline install into a fresh venv"
"$ROOT/.venv/bin/python" -m venv "$tmp/venv"
offline PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 \
  "$tmp/venv/bin/pip" install --quiet --no-index --find-links "$WHEELHOUSE" triage-workstation
# The package and its data (schemes in <prefix>/share) come from the wheel.
offline "$tmp/venv/bin/python" -c 'import sys, triage_app
from triage_app.config.resources import resources_dir
for path in (triage_app.__file__, str(resources_dir())):
    assert path.startswith(sys.prefix), path'
offline "$tmp/venv/bin/triage" --version
offline TRIAGE_HOME="$tmp/venv-home" "$tmp/venv/bin/triage" demo "$tmp/venv-case" --images 10
offline TRIAGE_HOME="$tmp/venv-home" "$tmp/venv/bin/triage" status "$tmp/venv-case" --json \
  | check_status

step "sizes"
du -sh "$BUNDLE" "$WHEELHOUSE"
echo "package check passed"
