"""A guard against a defective PySide6 build.

PySide6 6.12.0 on CPython 3.11 returns ``None`` from every void method (and a
bool from ``Signal.emit()``) without owning a reference to it. Each such call
takes one reference away from ``None`` (or ``True``/``False``); a GUI makes
thousands of them a second, and within seconds CPython aborts with
"deallocating None". CPython 3.12 made these singletons immortal, which is
why the defect shows only on 3.11. ``pyproject.toml`` keeps PySide6 below
6.12 on Python 3.11; :func:`check_binding` refuses to start the GUI with a
clear message if a defective build was installed anyway.
"""

from __future__ import annotations

import sys

from triage_app.gui.qt import BINDING_VERSION, QObject, Signal

_PROBES = 32


class _Probe(QObject):
    ping = Signal()


def _refcounts() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


def defect_present() -> bool:
    """True when void calls or emits drop references to ``None``/``True``/``False``."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    probe = _Probe()
    before = _refcounts()
    for _ in range(_PROBES):
        probe.setObjectName("probe")  # a void method
        probe.ping.emit()
    after = _refcounts()
    lost = sum(b - a for b, a in zip(before, after, strict=True))
    return lost >= _PROBES


def check_binding() -> None:
    """Raise RuntimeError, with the fix, if the installed PySide6 has the defect."""
    if defect_present():
        raise RuntimeError(
            f"PySide6 {BINDING_VERSION} on Python {sys.version.split()[0]} corrupts "
            "reference counts and would crash the workstation. Install a fixed build: "
            "pip install 'PySide6-Essentials<6.12' (or use Python 3.12 or newer)."
        )
