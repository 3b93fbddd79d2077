"""The GUI's system-library check: ldd parsing, Debian names, one-line errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from triage_app.gui import platform_deps
from triage_app.gui.platform_deps import PlatformError, package_name, parse_ldd

LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)
"""


def test_parse_ldd_lists_each_missing_library_once() -> None:
    assert parse_ldd(LDD_OUTPUT) == [
        "libxcb-icccm.so.4",
        "libxcb-keysyms.so.1",
        "libxcb-cursor.so.0",
    ]
    assert parse_ldd("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
        ("libX11-xcb.so.1", "libx11-xcb1"),
        ("libEGL.so.1", "libegl1"),
        ("libdbus-1.so.3", "libdbus-1-3"),
        ("libglib-2.0.so.0", "libglib2.0-0"),
        ("libGLdispatch.so.0", "libglvnd0"),
        ("libpng16.so.16", "libpng16-16"),
    ],
)
def test_debian_package_names(soname: str, package: str) -> None:
    assert package_name(soname) == package


def test_headless_platforms_need_nothing() -> None:
    assert platform_deps.check({"QT_QPA_PLATFORM": "offscreen"}) == []
    assert platform_deps.check({"QT_QPA_PLATFORM": "minimal"}) == []


def test_no_display_is_an_error() -> None:
    with pytest.raises(PlatformError, match="no display"):
        platform_deps.check({})


def test_wayland_session_is_detected() -> None:
    assert platform_deps.platform_name({"WAYLAND_DISPLAY": "wayland-0"}) == "wayland"
    assert platform_deps.platform_name({"DISPLAY": ":0"}) == "xcb"
    assert platform_deps.platform_name({"QT_QPA_PLATFORM": "xcb;wayland"}) == "xcb"


def test_the_installed_xcb_plugin_is_found() -> None:
    plugin = platform_deps.plugin_path("xcb")
    assert plugin is not None
    assert plugin.name == "libqxcb.so"


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc to build a test library")
def test_ldd_names_a_library_that_is_really_missing(tmp_path: Path) -> None:
    """A real shared object linked against a library that was then removed."""
    source = tmp_path / "stub.c"
    source.write_text("int stub(void) { return 1; }\nint user(void) { return stub(); }\n")
    stub = tmp_path / "libxcb-triagetest.so"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-o", str(stub), str(source),
         "-Wl,-soname,libxcb-triagetest.so.7"],
        check=True,
    )  # fmt: skip
    plugin = tmp_path / "libqfake.so"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-o", str(plugin), str(source), "-Wl,--no-as-needed",
         f"-L{tmp_path}", "-l:libxcb-triagetest.so"],
        check=True,
    )  # fmt: skip
    stub.unlink()
    missing = platform_deps.missing_libraries(plugin)
    assert missing == ["libxcb-triagetest.so.7"]
    assert package_name(missing[0]) == "libxcb-triagetest7"


def test_triage_app_without_a_display_says_so_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [sys.executable, "-m", "triage_app.gui.app", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("triage-app: error: no display")
    assert "Traceback" not in result.stderr


def test_missing_message_names_every_package() -> None:
    line = platform_deps.missing_message(["libxcb-icccm4", "libxcb-keysyms1"])
    assert "\n" not in line
    assert line.endswith("sudo apt-get install libxcb-icccm4 libxcb-keysyms1")


def test_report_libraries_that_cannot_be_found_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    wanted = {"pango-1.0": "libpango-1.0-0", "triage-no-such-lib-9": "libtriage-no-such9"}
    monkeypatch.setattr(platform_deps, "REPORT_LIBRARIES", wanted)
    assert platform_deps.missing_report_packages() == ["libtriage-no-such9"]
