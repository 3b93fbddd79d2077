"""The system libraries Qt's display plugin needs, checked before Qt loads.

Qt aborts (it does not raise) when its xcb platform plugin cannot load, and
its message names only one of the missing libraries. This module asks the
dynamic linker instead: ``ldd`` on the plugin inside the installed PySide6
lists every shared library that is not found. Each missing library is mapped
to the Debian/Ubuntu package that ships it (the Debian naming rule, a few
known exceptions, and ``apt-cache`` to confirm the name exists), so
``make run`` can install them and ``triage-app`` can name them in one line.

This module never imports Qt. Run ``python -m triage_app.gui.platform_deps
--install`` to install what is missing (as root, or through sudo).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

#: Platform plugins that need no display server and no extra system libraries.
HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal", "vnc", "linuxfb"})

#: Libraries whose Debian package does not follow the naming rule.
PACKAGE_OF = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgmodule-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0",
    "libGLdispatch.so.0": "libglvnd0",
    "libbrotlicommon.so.1": "libbrotli1",
    "libbrotlidec.so.1": "libbrotli1",
    "libbrotlienc.so.1": "libbrotli1",
    "libxcb-util.so.0": "libxcb-util0",
}

#: What the README's prerequisites list: the libraries PySide6's xcb plugin links.
README_PACKAGES = (
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-randr0",
    "libxcb-shape0",
    "libxcb-xkb1",
    "libxkbcommon-x11-0",
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libdbus-1-3",
    "libglib2.0-0",
)

#: Libraries PDF reports load at run time (WeasyPrint opens them with dlopen, so
#: ldd cannot see them), by the name ``ctypes.util.find_library`` takes.
REPORT_LIBRARIES = {"pango-1.0": "libpango-1.0-0", "pangoft2-1.0": "libpangoft2-1.0-0"}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$")
_SONAME = re.compile(r"^(lib.+?)\.so\.([0-9][0-9.]*)$")


class PlatformError(RuntimeError):
    """The GUI cannot start: no display, or system libraries are missing."""


def platform_name(environ: Mapping[str, str] = os.environ) -> str:
    """The platform plugin Qt will load first: ``$QT_QPA_PLATFORM`` or the session's."""
    chosen = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen
    if environ.get("WAYLAND_DISPLAY") and not environ.get("DISPLAY"):
        return "wayland"
    return "xcb"


def plugin_path(platform: str) -> Path | None:
    """The installed PySide6's plugin file for ``platform`` (None if not found)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    for candidate in (root / "Qt" / "plugins", root / "plugins"):
        plugin = candidate / "platforms" / f"libq{platform}.so"
        if plugin.is_file():
            return plugin
    return None


def parse_ldd(output: str) -> list[str]:
    """The libraries ``ldd`` reports as not found, once each, in order."""
    missing: list[str] = []
    for line in output.splitlines():
        match = _NOT_FOUND.match(line)
        if match and match.group(1) not in missing:
            missing.append(match.group(1))
    return missing


def missing_libraries(plugin: Path) -> list[str]:
    """Ask the dynamic linker which libraries ``plugin`` needs but cannot find."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        result = subprocess.run(
            [ldd, str(plugin)], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    return parse_ldd(result.stdout)


def package_name(soname: str) -> str:
    """The Debian package for a library, by the Debian naming rule.

    ``libfoo.so.1`` is in ``libfoo1``; a name ending in a digit takes a hyphen
    (``libxkbcommon-x11.so.0`` is in ``libxkbcommon-x11-0``); names are lower case.
    """
    if soname in PACKAGE_OF:
        return PACKAGE_OF[soname]
    match = _SONAME.match(soname)
    if match is None:
        return soname.lower()
    stem, version = match.group(1), match.group(2).split(".")[0]
    separator = "-" if stem[-1].isdigit() else ""
    return f"{stem}{separator}{version}".lower()


def _apt_candidate(package: str) -> bool:
    """True when apt knows an installable version of ``package``."""
    try:
        result = subprocess.run(
            ["apt-cache", "policy", package], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    match = re.search(r"Candidate:\s*(\S+)", result.stdout)
    return match is not None and match.group(1) != "(none)"


def resolve_packages(sonames: Sequence[str]) -> list[str]:
    """Packages to install for ``sonames``; Ubuntu's ``t64`` renames are tried too."""
    packages: list[str] = []
    have_apt = shutil.which("apt-cache") is not None
    for soname in sonames:
        name = package_name(soname)
        if have_apt and not _apt_candidate(name) and _apt_candidate(f"{name}t64"):
            name = f"{name}t64"
        if name not in packages:
            packages.append(name)
    return packages


def missing_report_packages() -> list[str]:
    """Packages for the libraries PDF reports need that the dynamic linker cannot find."""
    import ctypes.util

    return [pkg for lib, pkg in REPORT_LIBRARIES.items() if ctypes.util.find_library(lib) is None]


def check(environ: Mapping[str, str] = os.environ) -> list[str]:
    """Return the packages missing for the GUI's platform plugin and for PDF reports
    (empty: ready).

    Raises PlatformError when there is no display to show the GUI on.
    """
    if not sys.platform.startswith("linux"):
        return []
    return _display_packages(environ) + missing_report_packages()


def _display_packages_here() -> list[str]:
    return _display_packages(os.environ) if sys.platform.startswith("linux") else []


def _display_packages(environ: Mapping[str, str]) -> list[str]:
    platform = platform_name(environ)
    if platform in HEADLESS_PLATFORMS:
        return []
    if platform == "xcb" and not environ.get("DISPLAY"):
        raise PlatformError(
            "no display: DISPLAY is not set (start it from a desktop session, or under "
            "xvfb-run for a virtual screen)"
        )
    plugins = [plugin_path(platform)]
    if platform == "wayland":
        plugins.append(plugin_path("xcb"))  # Qt falls back to xcb
    missing: list[str] = []
    for plugin in plugins:
        if plugin is not None:
            missing += [lib for lib in missing_libraries(plugin) if lib not in missing]
    return resolve_packages(missing) if missing else []


def install_command(packages: Sequence[str]) -> list[str] | None:
    """``apt-get install`` for ``packages``, through sudo when not root; None if impossible."""
    if shutil.which("apt-get") is None:
        return None
    base = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
    if os.geteuid() == 0:
        return base
    sudo = shutil.which("sudo")
    if sudo is None:
        return None
    if sys.stdin.isatty():
        return [sudo, *base]
    probe = subprocess.run([sudo, "-n", "true"], capture_output=True, check=False)
    return [sudo, "-n", *base] if probe.returncode == 0 else None


def missing_message(packages: Sequence[str]) -> str:
    """One line naming what to install."""
    return (
        "the GUI needs system libraries that are not installed; install them with: "
        f"sudo apt-get install {' '.join(packages)}"
    )


def ensure(*, install: bool) -> int:
    """Check (and with ``install``, install) the GUI's system libraries; exit code.

    Without ``install`` (the GUI starting) only the display's libraries are
    required: a missing PDF library is reported when a PDF is asked for.
    """
    try:
        packages = check() if install else _display_packages_here()
    except PlatformError as exc:
        print(f"triage-app: error: {exc}", file=sys.stderr)
        return 2
    if not packages:
        return 0
    command = install_command(packages) if install else None
    if command is None:
        print(f"triage-app: error: {missing_message(packages)}", file=sys.stderr)
        return 2
    print(f"installing the GUI's system libraries: {' '.join(packages)}", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not all(_apt_candidate(p) for p in packages):
        subprocess.run([*command[: command.index("apt-get") + 1], "update", "-q"], env=env)
    if subprocess.run(command, env=env, check=False).returncode != 0 or check():  # re-check
        print(f"triage-app: error: {missing_message(packages)}", file=sys.stderr)
        return 2
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m triage_app.gui.platform_deps [--install]``."""
    parser = argparse.ArgumentParser(
        prog="platform_deps", description="check the GUI's system libraries"
    )
    parser.add_argument("--install", action="store_true", help="install what is missing")
    args = parser.parse_args(argv)
    return ensure(install=args.install)


if __name__ == "__main__":
    sys.exit(main())
