"""Helpers for the GUI tests: open a signed-in window, wait for writes and thumbnails, read back."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from triage_app.config.viewer_settings import ViewerSettings
from triage_app.demo.build import DEMO_EXAMINER, DEMO_PASSWORD
from triage_app.gui.window.main_window import MainWindow
from triage_app.review.gallery_rows import GalleryRow
from triage_app.storage.case_store import CaseStore
from triage_app.storage.review_store import ReviewStore


def open_window(
    qtbot: QtBot,
    case: Path,
    library: Path,
    settings: ViewerSettings | None = None,
    *,
    login: str = DEMO_EXAMINER,
) -> MainWindow:
    """A shown main window signed in to ``case`` as ``login`` with its rows loaded."""
    window = MainWindow(settings=settings or ViewerSettings(), library=library)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.panel.rows_loaded, timeout=30_000):
        window.open_case(case, login, DEMO_PASSWORD)
    if window.grading is not None:  # a modal offer of near duplicates would block the test
        window.grading.choose_near = lambda _parent, _code, _rows: []
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
            if r.record.media_type == "image" and r.record.decode_status == "decoded"
        ]


def audit_actions(case: Path) -> list[str]:
    """The actions of the case's audit trail, oldest first (read with the core, no GUI)."""
    with CaseStore.open(case) as store:
        return [r.action for r in ReviewStore(store).audit_rows()]


def gallery_row(item_id: int, **kw: object) -> GalleryRow:
    """A gallery row of a decoded, ungraded, unmatched image (``kw`` changes fields)."""
    base: dict[str, object] = {
        "item_id": item_id, "exhibit": "T/1", "path": f"p{item_id}.jpg", "status": "hashed",
        "media_type": "image", "format": "JPEG", "decode_status": "decoded", "width": 10,
        "height": 10, "low_information": False, "match_kind": None, "match_category": None,
        "match_distance": None, "grade": None, "grade_source": None, "cluster": None,
        "cluster_size": 1, "representative": True,
    }  # fmt: skip
    base.update(kw)
    return GalleryRow(**base)  # type: ignore[arg-type]
