"""The guard against a PySide6 build that loses references to None, True and False."""

from __future__ import annotations

import sys

from triage_app.gui import qt_compat
from triage_app.gui.qt import QObject, Signal


class _Pinger(QObject):
    ping = Signal(int)


def test_the_installed_pyside_keeps_reference_counts() -> None:
    """Void calls and emits must not take references from None, True or False.

    PySide6 6.12.0 on CPython 3.11 does (pyproject.toml excludes it); this test
    guards that pin, and check_binding() refuses to start on such a build.
    """
    assert not qt_compat.defect_present()
    qt_compat.check_binding()
    pinger = _Pinger()
    before = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(5_000):
        pinger.setObjectName("x")
        pinger.ping.emit(i)
    after = sys.getrefcount(None), sys.getrefcount(True)
    assert after[0] >= before[0] - 10 and after[1] >= before[1] - 10
