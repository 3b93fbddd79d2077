"""Full-resolution reveals: the original from the evidence, fitted, zoomable, logged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from gui.helpers import open_window, wait_writer
from triage_app import audit
from triage_app.case.session import CaseSession
from triage_app.demo.build import DEMO_EXAMINER, DEMO_PASSWORD
from triage_app.gui.models.gallery_model import Role
from triage_app.gui.qt import QApplication, QPoint, QPointF, Qt, QWheelEvent
from triage_app.gui.widgets.reveal_overlay import CAPTION_ROOM, MARGIN
from triage_app.gui.window.main_window import MainWindow
from triage_app.ingest.pipeline import ingest_exhibit
from triage_app.review.filters import ALL

BIG = (4000, 3000)


@pytest.fixture
def big_case(demo_case: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The demo case with a second exhibit holding one 4000 x 3000 photograph."""
    evidence = tmp_path / "big-evidence"
    evidence.mkdir()
    img = Image.new("RGB", BIG, (120, 140, 160))
    img.paste((200, 60, 40), (0, 0, 2000, 1500))
    img.save(evidence / "IMG_4000.jpg", "JPEG", quality=80)
    with CaseSession.sign_in(demo_case, DEMO_EXAMINER, DEMO_PASSWORD) as session:
        ingest_exhibit(session, evidence, "BIG/1")
    return demo_case, evidence


def _reveals(window: MainWindow) -> list[dict[str, Any]]:
    assert window.session is not None
    return [json.loads(r.payload) for r in window.session.review.audit_rows()
            if r.action == audit.REVEAL]  # fmt: skip


def _open_on_big(qtbot: QtBot, case: Path, tmp_path: Path) -> tuple[MainWindow, int]:
    window = open_window(qtbot, case, tmp_path / "library.db")
    window.resize(1400, 900)
    model = window.panel.model
    assert model is not None
    window.panel.set_filter(ALL)
    rows = [model.index(r) for r in range(model.rowCount())]
    [index] = [i for i in rows if i.data(Role.RowRole).width == BIG[0]]
    window.panel.view.setFocus()
    window.panel.view.setCurrentIndex(index)
    return window, int(index.data(Role.ItemIdRole))


def _wheel(widget: Any, steps: int) -> None:
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(centre, widget.mapToGlobal(centre), QPoint(), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
    QApplication.sendEvent(widget, event)


def test_a_4000x3000_original_is_shown_at_the_window_size_and_logged(
    qtbot: QtBot, big_case: tuple[Path, Path], tmp_path: Path
) -> None:
    window, item = _open_on_big(qtbot, big_case[0], tmp_path)
    reveal, overlay = window.panel.reveal, window.panel.area.overlay
    assert reveal is not None
    try:
        with qtbot.waitSignal(reveal.revealed, timeout=15_000):
            qtbot.keyPress(window.panel.view, Qt.Key.Key_Space)
        assert overlay.source_size().width() == BIG[0]  # the original, not the 256 px thumbnail
        assert overlay.source_size().height() == BIG[1]
        scale = min((overlay.width() - 2 * MARGIN) / BIG[0],
                    (overlay.height() - MARGIN - CAPTION_ROOM) / BIG[1])  # fmt: skip
        fitted = overlay.fitted_pixmap()
        assert fitted is not None
        assert (fitted.width(), fitted.height()) == (round(BIG[0] * scale), round(BIG[1] * scale))
        assert fitted.width() > 512  # far beyond what the stored thumbnail holds
        _wheel(window.panel.view.viewport(), 2)  # zoom in: the gallery does not scroll
        assert overlay.zoom == pytest.approx(1.25**2)
        assert window.panel.view.verticalScrollBar().value() == 0
        qtbot.keyClick(window.panel.view, Qt.Key.Key_G)  # greyscale for this reveal
        assert overlay.greyscale and reveal.active_item == item
        with qtbot.waitSignal(reveal.concealed):
            qtbot.keyRelease(window.panel.view, Qt.Key.Key_Space)
        wait_writer(qtbot, window)
        [logged] = _reveals(window)
        assert logged["item"] == item and logged["source"] == "original"
        assert logged["original"] == "4000x3000"
        assert logged["shown"] == f"{fitted.width()}x{fitted.height()}"
        assert logged["size_px"] == fitted.width() and logged["seconds"] >= 0
        assert logged["max_zoom"] == pytest.approx(1.56, abs=0.01) and logged["greyscale"]
    finally:
        window.close()


def test_when_the_evidence_is_gone_the_thumbnail_is_shown_and_the_log_says_why(
    qtbot: QtBot, big_case: tuple[Path, Path], tmp_path: Path
) -> None:
    shutil.rmtree(big_case[1])
    window, item = _open_on_big(qtbot, big_case[0], tmp_path)
    reveal, overlay = window.panel.reveal, window.panel.area.overlay
    assert reveal is not None
    try:
        with qtbot.waitSignal(reveal.revealed, timeout=15_000):
            qtbot.keyPress(window.panel.view, Qt.Key.Key_Space)
        assert max(overlay.source_size().width(), overlay.source_size().height()) == 256
        with qtbot.waitSignal(reveal.concealed):
            qtbot.keyRelease(window.panel.view, Qt.Key.Key_Space)
        wait_writer(qtbot, window)
        [logged] = _reveals(window)
        assert logged["item"] == item and logged["source"] == "thumbnail"
        assert "no longer at" in logged["note"]
        assert logged["size_px"] == window.settings.reveal_size
    finally:
        window.close()
