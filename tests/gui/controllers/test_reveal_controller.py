"""Deliberate reveals: only while held, one at a time, re-blurred on release or timeout, logged."""

from __future__ import annotations

import json
from typing import Any

from pytestqt.qtbot import QtBot

from gui.helpers import wait_writer
from triage_app import audit
from triage_app.gui.models.gallery_model import Role
from triage_app.gui.qt import Qt
from triage_app.gui.widgets.gallery_view import MOUSE_REVEAL
from triage_app.gui.window.main_window import MainWindow
from triage_app.storage.case_store import CaseStore
from triage_app.storage.review_store import ReviewStore


def _reveals(window: MainWindow) -> list[dict[str, Any]]:
    assert window.session is not None
    return [
        {**json.loads(r.payload), "user": r.user}
        for r in window.session.review.audit_rows()
        if r.action == audit.REVEAL
    ]


def _overlay_showing(window: MainWindow) -> bool:
    return window.panel.area.overlay.showing


def _select(window: MainWindow, row: int) -> int:
    model = window.panel.model
    assert model is not None
    window.panel.view.setFocus()
    window.panel.view.setCurrentIndex(model.index(row))
    return int(model.index(row).data(Role.ItemIdRole))


def test_holding_space_reveals_and_release_blurs_and_logs(qtbot: QtBot, window: MainWindow) -> None:
    item = _select(window, 0)
    reveal = window.panel.reveal
    assert reveal is not None and not _overlay_showing(window)
    with qtbot.waitSignal(reveal.revealed) as shown:
        qtbot.keyPress(window.panel.view, Qt.Key.Key_Space)
    assert shown.args == [item]
    assert _overlay_showing(window) and reveal.active_item == item
    with qtbot.waitSignal(reveal.concealed) as hidden:
        qtbot.keyRelease(window.panel.view, Qt.Key.Key_Space)
    assert not _overlay_showing(window) and reveal.active_item is None
    wait_writer(qtbot, window)
    [logged] = _reveals(window)
    assert logged["item"] == item and logged["how"] == "key hold; released"
    assert 0 <= logged["seconds"] == round(hidden.args[1], 3)
    assert logged["source"] == "original"  # read from the evidence, not the thumbnail
    assert logged["size_px"] == max(int(n) for n in logged["shown"].split("x"))
    assert logged["user"].startswith("Demo Examiner")
    assert window.meter.session.reveals == 1 and "1 item," in window.meter.text()


def test_a_reveal_blurs_again_when_its_time_is_up(qtbot: QtBot, window: MainWindow) -> None:
    item = _select(window, 1)
    reveal = window.panel.reveal
    assert reveal is not None
    reveal.limit_seconds = 0.3
    with qtbot.waitSignal(reveal.revealed):
        qtbot.keyPress(window.panel.view, Qt.Key.Key_Space)
    with qtbot.waitSignal(reveal.concealed, timeout=5000):
        pass  # still held: the timer ends it
    assert not _overlay_showing(window)
    with qtbot.assertNotEmitted(reveal.revealed):
        qtbot.keyPress(window.panel.view, Qt.Key.Key_Space)  # auto-repeat while still held
        qtbot.keyRelease(window.panel.view, Qt.Key.Key_Space)
    wait_writer(qtbot, window)
    [logged] = _reveals(window)
    assert logged["item"] == item and logged["how"] == "key hold; timed out"
    assert 0.25 <= logged["seconds"] < 5


def test_never_more_than_one_image_is_revealed(qtbot: QtBot, window: MainWindow) -> None:
    first = _select(window, 0)
    model, reveal = window.panel.model, window.panel.reveal
    assert model is not None and reveal is not None
    with qtbot.waitSignal(reveal.revealed):
        qtbot.keyPress(window.panel.view, Qt.Key.Key_Space)
    second_index = model.index(2)
    second = second_index.data(Role.ItemIdRole)
    with qtbot.waitSignal(reveal.revealed) as shown:
        window.panel.view.start_mouse_hold(second_index)
    assert shown.args == [second] and reveal.active_item == second
    wait_writer(qtbot, window)
    assert [r["item"] for r in _reveals(window)] == [first]
    assert _reveals(window)[0]["how"].endswith("replaced by another reveal")
    with qtbot.waitSignal(reveal.concealed):
        window.panel.view.reveal_released.emit(MOUSE_REVEAL)
    wait_writer(qtbot, window)
    assert [r["item"] for r in _reveals(window)] == [first, second]


def test_holding_the_mouse_button_on_a_tile_reveals_it(qtbot: QtBot, window: MainWindow) -> None:
    view, model, reveal = window.panel.view, window.panel.model, window.panel.reveal
    assert model is not None and reveal is not None
    index = model.index(1)
    centre = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert not view._hold_timer.isActive(), "a click selects and does not reveal"
    assert view.currentIndex() == index
    with qtbot.waitSignal(reveal.revealed, timeout=3000) as shown:
        qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert shown.args == [index.data(Role.ItemIdRole)]
    with qtbot.waitSignal(reveal.concealed):
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    wait_writer(qtbot, window)
    assert _reveals(window)[0]["how"] == "mouse hold; released"


def test_losing_focus_blurs_at_once(qtbot: QtBot, window: MainWindow) -> None:
    _select(window, 0)
    reveal = window.panel.reveal
    assert reveal is not None
    with qtbot.waitSignal(reveal.revealed):
        qtbot.keyPress(window.panel.view, Qt.Key.Key_Space)
    with qtbot.waitSignal(reveal.concealed):
        window.panel.detail.setFocus()
    wait_writer(qtbot, window)
    assert _reveals(window)[0]["how"] == "key hold; focus lost"


def test_closing_the_case_blurs_and_logs_the_reveal(qtbot: QtBot, window: MainWindow) -> None:
    item = _select(window, 0)
    reveal = window.panel.reveal
    assert reveal is not None
    with qtbot.waitSignal(reveal.revealed):
        qtbot.keyPress(window.panel.view, Qt.Key.Key_Space)
    session = window.session
    assert session is not None
    with qtbot.waitSignal(window.case_closed):
        window.close_case()
    assert not _overlay_showing(window)
    wait_writer(qtbot, window)
    with CaseStore.open(session.store.case_dir) as store:
        rows = list(ReviewStore(store).audit_rows())
    reveals = [json.loads(r.payload) for r in rows if r.action == audit.REVEAL]
    assert reveals[0]["item"] == item and reveals[0]["how"].endswith("closed")
    assert rows[-1].action == audit.CASE_CLOSED


def test_todays_exposure_comes_from_the_audit_trail(qtbot: QtBot, window: MainWindow) -> None:
    _select(window, 0)
    reveal = window.panel.reveal
    assert reveal is not None
    with qtbot.waitSignal(reveal.revealed):
        qtbot.keyPress(window.panel.view, Qt.Key.Key_Space)
    with qtbot.waitSignal(reveal.concealed):
        qtbot.keyRelease(window.panel.view, Qt.Key.Key_Space)
    case = window.case_dir
    assert case is not None
    with qtbot.waitSignal(window.case_closed):
        window.close_case()
    with qtbot.waitSignal(window.panel.rows_loaded, timeout=20_000):
        window.open_case(case, "Demo Examiner", "demo")
    wait_writer(qtbot, window)
    assert window.panel.reader is not None
    qtbot.waitUntil(lambda: window.meter.today.reveals == 1)
    assert window.meter.session.reveals == 0
    assert "0 items, 0.0 s this session | 1 item," in window.meter.text()


def test_undetected_auto_repeat_does_not_split_a_reveal(qtbot: QtBot, window: MainWindow) -> None:
    """X servers without detectable auto-repeat send release+press pairs while a key is held."""
    item = _select(window, 0)
    reveal = window.panel.reveal
    assert reveal is not None
    with qtbot.waitSignal(reveal.revealed):
        qtbot.keyPress(window.panel.view, Qt.Key.Key_Space)
    for _ in range(3):  # unflagged auto-repeat: a release immediately followed by a press
        qtbot.keyRelease(window.panel.view, Qt.Key.Key_Space)
        qtbot.keyPress(window.panel.view, Qt.Key.Key_Space)
    assert _overlay_showing(window) and reveal.active_item == item
    with qtbot.waitSignal(reveal.concealed):
        qtbot.keyRelease(window.panel.view, Qt.Key.Key_Space)
    wait_writer(qtbot, window)
    assert len(_reveals(window)) == 1
