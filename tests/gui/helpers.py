"""Helpers for the GUI tests: open a signed-in window, wait for writes and thumbnails."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from triage_app.config.viewer_settings import ViewerSettings
from triage_app.demo.build import DEMO_EXAMINER, DEMO_PASSWORD
from triage_app.gui.main_window import MainWindow
from triage_app.storage.case_store import CaseStore


def open_window(
    qtbot: QtBot, case: Path, library: Path, settings: ViewerSettings | None = None
) -> MainWindow:
    """A shown main window signed in to ``case`` with its rows loaded."""
    window = MainWindow(settings=settings or ViewerSettings(), library=library)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.panel.rows_loaded, timeout=30_000):
        window.open_case(case, DEMO_EXAMINER, DEMO_PASSWORD)
    return window


def wait_writer(qtbot: QtBot, window: MainWindow, timeout: int = 15_000) -> None:
    """Wait until every queued database write has finished and its callback ran."""
    qtbot.waitUntil(lambda: window.writer.pending == 0, timeout=timeout)


def wait_thumbnails(qtbot: QtBot, window: MainWindow, timeout: int = 15_000) -> None:
    """Wait until the visible tiles' blurred thumbnails are loaded."""
    loader = window.panel.loader
    assert loader is not None
    window.panel.view.viewport().repaint()
    qtbot.waitUntil(lambda: loader.idle, timeout=timeout)
    window.panel.view.viewport().repaint()
    qtbot.waitUntil(lambda: loader.idle, timeout=timeout)


def image_items(case: Path) -> list[dict[str, object]]:
    """The case's decoded image items, in id order (read with the core, no GUI)."""
    with CaseStore.open(case) as store:
        return [
            r
            for r in store.iter_items()
            if r["media_type"] == "image" and r["decode_status"] == "decoded"
        ]
