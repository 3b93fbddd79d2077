"""A video tile: its blurred strip, one frame revealed at a time (logged with its time),
muted playback as a logged reveal, and a marked frame."""

from __future__ import annotations

import json

import pytest
from pytestqt.qtbot import QtBot

from gui.helpers import wait_thumbnails, wait_writer
from triage_app.gui.models.gallery_model import Role
from triage_app.gui.qt import QInputDialog, Qt
from triage_app.gui.window.main_window import MainWindow
from triage_app.review.annotations import for_item
from triage_app.storage.case_store import CaseStore
from triage_app.storage.review_store import ReviewStore


def _to_video(qtbot: QtBot, window: MainWindow) -> int:
    """Show all items, make the first video tile current; its strip times are read."""
    window.set_filter("all")
    panel, model = window.panel, window.panel.model
    assert model is not None
    pos = next(
        r for r in range(model.rowCount()) if model.index(r).data(Role.MediaTypeRole) == "video"
    )
    panel.view.setFocus()
    panel.view.setCurrentIndex(model.index(pos))
    item = int(model.index(pos).data(Role.ItemIdRole))
    qtbot.waitUntil(lambda: item in panel.videos.times, timeout=10_000)
    return item


def _last_payload(window: MainWindow, action: str) -> dict[str, object]:
    assert window.case_dir is not None
    with CaseStore.open(window.case_dir) as store:
        rows = [r for r in ReviewStore(store).audit_rows() if r.action == action]
    return dict(json.loads(rows[-1].payload))


def test_a_frame_of_the_strip_is_revealed_alone_and_logged_with_its_time(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = window.panel
    item = _to_video(qtbot, window)
    times = panel.videos.times[item]
    assert len(times) >= 3 and times == sorted(times)
    model = panel.model
    assert model is not None and panel.reveal is not None
    assert model.frame_of(item) == (0, len(times))
    wait_thumbnails(qtbot, window)
    strip = model.index(model.row_of(item)).data(Role.ThumbnailRole)
    assert strip is not None and strip.isGrayscale() and strip.width() > strip.height() * 2
    qtbot.keyClick(panel.view, Qt.Key.Key_BracketRight)
    qtbot.keyClick(panel.view, Qt.Key.Key_BracketRight)
    assert model.frame_of(item) == (2, len(times))
    with qtbot.waitSignal(panel.reveal.revealed, timeout=15_000):
        qtbot.keyPress(panel.view, Qt.Key.Key_Space)
    shown = panel.area.overlay.source_size()
    assert (shown.width(), shown.height()) == (320, 240), "one frame, not the strip"
    with qtbot.waitSignal(panel.reveal.concealed, timeout=5_000):
        panel.reveal.release("key hold")
    wait_writer(qtbot, window)
    payload = _last_payload(window, "reveal")
    assert payload["item"] == item and payload["source"] == "video frame"
    assert payload["frame_s"] == pytest.approx(times[2], abs=0.001)
    assert payload["original"] == "320x240"


def test_muted_playback_is_a_logged_reveal_that_p_stops(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.panel
    item = _to_video(qtbot, window)
    playback = panel.videos.playback
    assert playback is not None
    with qtbot.waitSignal(playback.started, timeout=15_000):
        qtbot.keyClick(panel.view, Qt.Key.Key_P)
    assert panel.area.overlay.showing
    qtbot.wait(600)  # a few frames go by
    with qtbot.waitSignal(playback.stopped, timeout=5_000):
        qtbot.keyClick(panel.view, Qt.Key.Key_P)
    assert not panel.area.overlay.showing
    wait_writer(qtbot, window)
    payload = _last_payload(window, "reveal")
    assert payload["item"] == item and payload["source"] == "muted playback"
    assert payload["sound"] == "none"
    assert int(str(payload["frames_shown"])) >= 2
    assert float(str(payload["played_to_s"])) > float(str(payload["played_from_s"]))


def test_a_frame_is_marked_from_the_menu(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = window.panel
    item = _to_video(qtbot, window)
    qtbot.keyClick(panel.view, Qt.Key.Key_BracketRight)
    seconds = panel.videos.chosen_time(item)
    assert seconds is not None and seconds > 0
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("worst frame", True))
    row = panel.model.gallery_row(item) if panel.model is not None else None
    assert row is not None
    entries = dict(window.desk._extra(row))
    mark = next(slot for text, slot in entries.items() if text.startswith("&Mark frame"))
    mark()
    wait_writer(qtbot, window)
    assert window.session is not None
    frames = for_item(window.session, item).frames
    assert [(f.seconds, f.text) for f in frames] == [
        (pytest.approx(seconds, abs=0.001), "worst frame")
    ]
