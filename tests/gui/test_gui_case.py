"""Case lifecycle in the window: sign-in, new case, ingest with progress and Cancel, hash sets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from gui.helpers import image_items, wait_writer
from triage_app import audit
from triage_app.demo import synthetic
from triage_app.demo.build import DEMO_EXAMINER
from triage_app.gui.hashsets_dialog import HashSetsDialog
from triage_app.gui.ingest_dialog import IngestDialog
from triage_app.gui.main_window import MainWindow, create_case
from triage_app.gui.signin_dialog import NewCase, NewCaseDialog, SignInDialog
from triage_app.storage.case_store import CaseStore
from triage_app.storage.review_store import ReviewStore


def _audit_actions(case: Path) -> list[str]:
    with CaseStore.open(case) as store:
        return [r.action for r in ReviewStore(store).audit_rows()]


def test_a_wrong_password_is_refused_and_logged(
    qtbot: QtBot, demo_case: Path, tmp_path: Path
) -> None:
    window = MainWindow(library=tmp_path / "lib.db")
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.error_shown) as shown:
        window.open_case(demo_case, DEMO_EXAMINER, "not-the-password")
    assert "wrong password" in shown.args[0]
    assert window.session is None and window.stack.currentIndex() == 0
    for box in window.findChildren(QMessageBox):
        box.close()
    assert _audit_actions(demo_case)[-1] == audit.SIGN_IN_REFUSED


def test_the_sign_in_dialog_asks_when_the_environment_does_not_say(
    qtbot: QtBot, demo_case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRIAGE_USER")
    monkeypatch.delenv("TRIAGE_PASSWORD")

    def fill_in(dialog: SignInDialog) -> int:
        dialog.login.setText(DEMO_EXAMINER)
        dialog.password.setText("demo")
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(SignInDialog, "exec", fill_in)
    window = MainWindow(library=tmp_path / "lib.db")
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.case_opened, timeout=20_000):
        window.open_case(demo_case)
    assert window.session is not None and window.session.actor.startswith(DEMO_EXAMINER)
    with qtbot.waitSignal(window.case_closed):
        window.close_case()
    wait_writer(qtbot, window)
    assert _audit_actions(demo_case)[-1] == audit.CASE_CLOSED
    window.close()


def test_a_new_case_is_created_on_the_writer_and_opened(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = NewCaseDialog()
    qtbot.addWidget(dialog)
    assert dialog.problems() == "Choose a folder for the case."
    dialog.folder.setText(str(tmp_path / "new-case"))
    dialog.reference.setText("OP-TEST-7")
    dialog.examiner.setText("Ann Examiner")
    dialog.password.setText("secret")
    dialog.password2.setText("different")
    assert dialog.problems() == "The passwords differ."
    dialog.password2.setText("secret")
    assert dialog.problems() is None
    new = dialog.value()
    assert new == NewCase(tmp_path / "new-case", "OP-TEST-7", "Ann Examiner", None, "secret", "uk")
    window = MainWindow(library=tmp_path / "lib.db")
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.case_opened, timeout=20_000) as opened:
        window.writer.submit(
            lambda: create_case(new),
            lambda _: window.open_case(new.folder, new.examiner, new.password),
        )
    assert opened.args == ["OP-TEST-7"]
    qtbot.waitUntil(lambda: window.panel.model is not None and window.panel.model.total == 0)
    assert not window.act_undo.isEnabled() and window.act_ingest.isEnabled()
    window.close()


def _write_source(folder: Path, count: int) -> None:
    rng = np.random.default_rng(5)
    folder.mkdir()
    for i in range(count):
        (folder / f"new_{i:03d}.jpg").write_bytes(synthetic.jpeg_bytes(synthetic.scene(rng)))


def test_ingest_shows_progress_and_adds_the_exhibit(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    source = tmp_path / "seized"
    _write_source(source, 6)
    dialog = IngestDialog(window)
    qtbot.addWidget(dialog)
    dialog.start_requested.connect(
        lambda src, exhibit, workers: window.start_ingest(dialog, src, exhibit, workers)
    )
    before = window.panel.model.total if window.panel.model else 0
    with qtbot.waitSignal(dialog.relay.progress, timeout=30_000):
        dialog.begin(source, "NEW/1", 1)
    assert dialog.running and not dialog.close_button.isEnabled()
    with qtbot.waitSignal(window.panel.rows_loaded, timeout=60_000):
        qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert dialog.bar.value() == 1000
    assert "finished" in dialog.counts.text() and "NEW/1" in dialog.counts.text()
    assert "files/s" in dialog.rate.text() or "took" in dialog.rate.text()
    assert dialog.close_button.isEnabled()
    assert window.panel.model is not None and window.panel.model.total == before + 6
    assert "exhibit:NEW/1" in {f.key for f in window.panel.filters}
    assert window.filter_combo.findData("exhibit:NEW/1") >= 0


def test_ingest_can_be_cancelled(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    source = tmp_path / "seized"
    _write_source(source, 40)
    dialog = IngestDialog(window)
    qtbot.addWidget(dialog)
    dialog.start_requested.connect(
        lambda src, exhibit, workers: window.start_ingest(dialog, src, exhibit, workers)
    )
    dialog.begin(source, "NEW/2", 1)
    dialog.reject()  # Escape while running cancels rather than closing
    assert (dialog.cancel_event.is_set() and dialog.isVisible() is False) or dialog.running
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert dialog.counts.text().startswith("cancelled")
    wait_writer(qtbot, window)


def test_hash_sets_are_imported_attached_and_matched(
    qtbot: QtBot, window: MainWindow, demo_case: Path, tmp_path: Path
) -> None:
    items = image_items(demo_case)
    md5s = [r["md5"] for r in items]
    known, ignorable = [r for r in items if md5s.count(r["md5"]) == 1][:2]
    listing = tmp_path / "known.csv"
    listing.write_text(f"md5,category\n{known['md5']},B\n", encoding="utf-8")
    nsrl = tmp_path / "ignorable.txt"
    nsrl.write_text(f"{ignorable['md5']}\n", encoding="utf-8")
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
    row = model.gallery_row(int(known["id"]))  # type: ignore[call-overload]
    assert row is not None and row.grade == "B" and row.grade_source == "hash-list exact"
    window.set_filter("review")
    assert model.row_of(int(known["id"])) == -1  # type: ignore[call-overload]
    assert model.row_of(int(ignorable["id"])) == -1  # type: ignore[call-overload]
    assert audit.HASH_SET_ATTACHED in _audit_actions(demo_case)
