"""The detail pane shows an item's facts and never its image."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.helpers import open_window
from triage_app.gui.qt import QLabel, QTextDocument


def test_detail_pane_shows_facts_and_never_the_image(
    qtbot: QtBot, matched_case: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    case, items = matched_case
    window = open_window(qtbot, case, tmp_path / "lib.db")
    window.set_filter("suggestions")
    pane = window.panel.detail
    qtbot.waitUntil(lambda: f"Item #{items['near']}" in pane.toPlainText())
    text = pane.toPlainText()
    for expected in ("MD5", "SHA256", "phash", "near match (suggestion)", "test-list",
                     "line 7, entry seven", "Distance", "not graded", "Grade history"):  # fmt: skip
        assert expected in text, expected
    assert "<img" not in pane.toHtml().lower()
    assert pane.loadResource(QTextDocument.ResourceType.ImageResource.value, "x.png") is None
    assert not [label for label in pane.findChildren(QLabel) if not label.pixmap().isNull()]
    window.close()
