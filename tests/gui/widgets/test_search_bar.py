"""The search bar: debounced search text, Enter at once, sort key and direction."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from triage_app.gui.qt import Qt
from triage_app.gui.widgets.search_bar import SEARCH_DELAY_MS, SearchBar
from triage_app.review.gallery_sort import SORT_KEYS


def _bar(qtbot: QtBot) -> SearchBar:
    bar = SearchBar()
    qtbot.addWidget(bar)
    return bar


def test_typing_is_one_search_after_a_pause(qtbot: QtBot) -> None:
    bar = _bar(qtbot)
    seen: list[str] = []
    bar.search_changed.connect(seen.append)
    qtbot.keyClicks(bar.edit, "ext:jpg")
    assert seen == []  # not while typing
    with qtbot.waitSignal(bar.search_changed, timeout=SEARCH_DELAY_MS * 8):
        pass
    assert seen == ["ext:jpg"] and bar.text() == "ext:jpg"
    bar.edit.setText("ext:jpg  ")  # the same search once stripped: nothing new
    qtbot.wait(SEARCH_DELAY_MS * 2)
    assert seen == ["ext:jpg"]


def test_enter_searches_at_once_and_clearing_searches_for_everything(qtbot: QtBot) -> None:
    bar = _bar(qtbot)
    seen: list[str] = []
    bar.search_changed.connect(seen.append)
    bar.edit.setText("#12")
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert seen == ["#12"]
    bar.edit.clear()
    bar.flush()
    assert seen == ["#12", ""]
    bar.set_search("apple")
    assert seen == ["#12", "", "apple"] and bar.edit.text() == "apple"
    bar.edit.setText("pear")
    bar.stop()  # closing: a pending search is forgotten
    qtbot.wait(SEARCH_DELAY_MS * 2)
    assert seen[-1] == "apple"


def test_sort_key_and_direction(qtbot: QtBot) -> None:
    bar = _bar(qtbot)
    assert [bar.sort.itemData(i) for i in range(bar.sort.count())] == [k for k, _ in SORT_KEYS]
    assert (bar.sort_key(), bar.descending()) == ("id", False)
    seen: list[tuple[str, bool]] = []
    bar.sort_changed.connect(lambda key, descending: seen.append((key, descending)))
    bar.sort.setCurrentIndex(bar.sort.findData("size"))
    qtbot.mouseClick(bar.direction, Qt.MouseButton.LeftButton)
    assert seen == [("size", False), ("size", True)]
    assert "Descending" in bar.direction.text()
    bar.set_sort("distance", False)  # no signal: the caller applies it
    assert seen == [("size", False), ("size", True)]
    assert (bar.sort_key(), bar.descending()) == ("distance", False)
    assert "Ascending" in bar.direction.text()
