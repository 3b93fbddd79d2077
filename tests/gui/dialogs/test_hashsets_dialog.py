"""The hash library dialog: import lists, switch them on, match the case."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.helpers import audit_actions, image_items
from triage_app import audit
from triage_app.gui.dialogs.hashsets_dialog import HashSetsDialog
from triage_app.gui.window.main_window import MainWindow


def test_hash_sets_are_imported_attached_and_matched(
    qtbot: QtBot, window: MainWindow, demo_case: Path, tmp_path: Path
) -> None:
    items = image_items(demo_case)
    md5s = [r.record.md5 for r in items]
    known, ignorable = [r for r in items if md5s.count(r.record.md5) == 1][:2]
    listing = tmp_path / "known.csv"
    listing.write_text(f"md5,category\n{known.record.md5},B\n", encoding="utf-8")
    nsrl = tmp_path / "ignorable.txt"
    nsrl.write_text(f"{ignorable.record.md5}\n", encoding="utf-8")
    assert window.session is not None and window.panel.reader is not None
    dialog = HashSetsDialog(
        window.session, window.writer, window.panel.reader, window.library, window
    )
    qtbot.addWidget(dialog)
    dialog.case_changed.connect(window.panel.reload)
    qtbot.waitUntil(lambda: "empty" in dialog.status.text())
    dialog.import_file(listing, "known list", "known", "uk")
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=20_000)
    dialog.import_file(nsrl, "ignorable list", "ignorable", None)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=20_000)
    with qtbot.waitSignal(window.panel.rows_loaded, timeout=30_000):
        dialog.match()
    assert "exact 1" in dialog.status.text() and "ignorable 1" in dialog.status.text()
    assert "graded from lists 1" in dialog.status.text()
    window.set_filter("exact")
    model = window.panel.model
    assert model is not None and model.rowCount() == 1
    row = model.gallery_row(int(known.id))  # type: ignore[call-overload]
    assert row is not None and row.grade == "B" and row.grade_source == "hash-list exact"
    window.set_filter("review")
    assert model.row_of(int(known.id)) == -1  # type: ignore[call-overload]
    assert model.row_of(int(ignorable.id)) == -1  # type: ignore[call-overload]
    assert audit.HASH_SET_ATTACHED in audit_actions(demo_case)
