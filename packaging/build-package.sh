#!/usr/bin/env bash
# Build the offline one-folder distribution dist/triage/ with PyInstaller:
# both executables, `triage` and `triage-app`, sharing one _internal/ folder.
# Usage: packaging/build-package.sh   (after `make`; `make package` does both)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="$ROOT/.venv/bin/python"  # the venv `make` creates
WORK="$ROOT/build/pyinstaller"
DIST="$ROOT/dist"
cd "$ROOT"

# PyInstaller, as pinned by pyproject's `package` extra, if the venv lacks it.
if ! "$PYTHON" -m PyInstaller --version >/dev/null 2>&1; then
  mapfile -t requirements < <("$PYTHON" -c 'import tomllib
for r in tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["package"]:
    print(r)')
  "$PYTHON" -m pip install --quiet "${requirements[@]}"
fi

# PyInstaller copies the system libraries Qt's xcb plugin links (libxcb-icccm
# and friends) into the bundle; a build machine without them makes a bundle
# that needs them on every workstation, so refuse.
plugin="$("$PYTHON" -c 'import pathlib, PySide6
print(pathlib.Path(PySide6.__file__).parent / "Qt/plugins/platforms/libqxcb.so")')"
if missing="$(ldd "$plugin" | grep 'not found')"; then
  echo "build-package: Qt's xcb plugin misses system libraries on this machine:" >&2
  echo "$missing" >&2
  echo "build-package: install them first, e.g. apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" >&2
  exit 1
fi

rm -rf "$DIST/triage"
mkdir -p "$WORK"
start=$SECONDS
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" packaging/triage.spec 2>&1 | tee "$WORK/build.log"
# A shared library PyInstaller could not resolve would be missing at run time.
if grep 'Library not found' "$WORK/build.log" >&2; then
  echo "build-package: unresolved shared libraries (above); the bundle would be incomplete" >&2
  exit 1
fi
# CPython's own libraries (the build machine's Python, not a wheel) may carry
# their debugging symbols: about 17 MB. Libraries from wheels are left alone:
# strip breaks the ones auditwheel patched.
if command -v strip >/dev/null; then
  strip --strip-unneeded "$DIST"/triage/_internal/libpython3*.so* \
    "$DIST"/triage/_internal/python3*/lib-dynload/*.so
fi
echo "built $DIST/triage in $((SECONDS - start)) s: $(du -sh "$DIST/triage" | cut -f1)"
