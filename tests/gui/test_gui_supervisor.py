"""The supervisor view, sign-off and role checks in the workstation (pytest-qt, offscreen)."""

from __future__ import annotations

import csv
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from gui.helpers import image_items, wait_writer
from triage_app import audit
from triage_app.case.session import CaseSession
from triage_app.config.viewer_settings import ViewerSettings
from triage_app.demo.build import DEMO_EXAMINER, DEMO_PASSWORD, DEMO_SUPERVISOR
from triage_app.domain.accounts import hash_password
from triage_app.gui.main_window import MainWindow
from triage_app.gui.supervisor_view import SupervisorView
from triage_app.review import grading
from triage_app.supervision import qa, signoff


def _open_as(qtbot: QtBot, case: Path, library: Path, login: str) -> MainWindow:
    window = MainWindow(settings=ViewerSettings(), library=library)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.panel.rows_loaded, timeout=30_000):
        window.open_case(case, login, DEMO_PASSWORD)
    return window


@pytest.fixture
def graded_case(demo_case: Path) -> Path:
    """The demo case with six images graded by hand by the demo examiner."""
    with CaseSession.sign_in(demo_case, DEMO_EXAMINER, DEMO_PASSWORD) as s:
        for n, row in enumerate(image_items(demo_case)[:6]):
            grading.grade(s, [int(str(row["id"]))], "ABC"[n % 3])
    return demo_case


@pytest.fixture
def supervisor(qtbot: QtBot, graded_case: Path, tmp_path: Path) -> Iterator[MainWindow]:
    """The workstation signed in as the demo supervisor."""
    w = _open_as(qtbot, graded_case, tmp_path / "library.db", DEMO_SUPERVISOR)
    yield w
    w.close()


def _view(qtbot: QtBot, window: MainWindow) -> SupervisorView:
    window.act_supervisor.trigger()
    view = window.supervisor_view
    assert view is not None
    qtbot.waitUntil(lambda: view.review is not None and view.model.rowCount() > 0, timeout=15_000)
    return view


def test_an_examiner_is_refused_the_supervisor_view_and_sign_off(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert window.session is not None and window.session.account.role == "examiner"
    assert not window.act_supervisor.isEnabled() and not window.act_sign_off.isEnabled()
    assert window.supervision_hint.isVisible()
    for open_it in (window.open_supervisor_view, window.open_sign_off):
        with qtbot.waitSignal(window.error_shown, timeout=5_000) as shown:
            open_it()
        assert "needs a supervisor account" in str(shown.args[0])
    assert window.supervisor_view is None and window.sign_off_dialog is None
    for box in window.findChildren(QMessageBox):
        box.close()


def test_the_view_shows_the_chain_entries_filters_and_statistics(
    qtbot: QtBot, supervisor: MainWindow
) -> None:
    assert supervisor.act_supervisor.isEnabled() and not supervisor.supervision_hint.isVisible()
    view = _view(qtbot, supervisor)
    review = view.review
    assert review is not None
    assert view.banner.text().startswith("✔ Audit trail intact:")
    assert str(review.head[1]) in view.banner.text()
    assert view.model.rowCount() == len(review.rows)
    with qtbot.waitSignal(view.filtered, timeout=5_000) as shown:
        view.set_filter(examiner=f"{DEMO_EXAMINER} (D1234)", action=audit.GRADE)
    assert shown.args[0] == 6 == view.model.rowCount()
    rows = [view.model.row_at(r) for r in range(view.model.rowCount())]
    assert {(r.user, r.action) for r in rows} == {(f"{DEMO_EXAMINER} (D1234)", audit.GRADE)}
    assert view.stats.rowCount() == 1
    assert view.stats.item(0, 0).text() == f"{DEMO_EXAMINER} (D1234)"
    assert view.stats.item(0, 2).text() == "6" and view.stats.item(0, 3).text() == "6"
    assert view.rate.rowCount() >= 1
    with qtbot.waitSignal(view.filtered, timeout=5_000) as shown:
        view.set_filter(item=int(rows[0].object.split()[1]))
    assert shown.args[0] >= 1
    with qtbot.waitSignal(view.filtered, timeout=5_000):
        view.clear_filters()
    assert view.model.rowCount() == len(review.rows)
    view.close()
    assert supervisor.supervisor_view is None or not supervisor.supervisor_view.isVisible()


def test_a_broken_chain_is_shown_with_its_first_bad_entry(
    qtbot: QtBot, graded_case: Path, tmp_path: Path
) -> None:
    with sqlite3.connect(graded_case / "case.db", isolation_level=None) as con:
        con.execute("DROP TRIGGER audit_log_no_update")
        con.execute("UPDATE audit_log SET user = 'someone else' WHERE seq = 5")
    window = _open_as(qtbot, graded_case, tmp_path / "library.db", DEMO_SUPERVISOR)
    try:
        view = _view(qtbot, window)
        assert view.banner.text().startswith("✖ AUDIT TRAIL BROKEN at entry 5:")
        assert view.model.first_bad == 5
    finally:
        window.close()


def test_exports_from_the_view_print_the_head(
    qtbot: QtBot, supervisor: MainWindow, tmp_path: Path
) -> None:
    view = _view(qtbot, supervisor)
    with qtbot.waitSignal(view.filtered, timeout=5_000):
        view.set_filter(action=audit.GRADE)
    out_csv, out_pdf = tmp_path / "review.csv", tmp_path / "review.pdf"
    with qtbot.waitSignal(view.exported, timeout=30_000) as done:
        view.export("csv", out_csv)
    result = done.args[0]
    with open(out_csv, newline="", encoding="utf-8") as handle:
        table = [r for r in csv.reader(handle) if r]
    facts = {r[1]: r[2] for r in table if r[0] == "export"}
    assert (int(facts["head_seq"]), facts["head_hash"]) == result.head
    assert {r[4] for r in table if r[0] == "entry"} == {audit.GRADE}
    assert result.head[1] in view.message.text()
    with qtbot.waitSignal(view.exported, timeout=60_000) as done:
        view.export("pdf", out_pdf)
    text = subprocess.run(["pdftotext", "-layout", str(out_pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert f"Audit trail head {done.args[0].head[0]}:{done.args[0].head[1]}" in text
    wait_writer(qtbot, supervisor)


def test_sign_off_from_the_window(qtbot: QtBot, supervisor: MainWindow) -> None:
    supervisor.act_sign_off.trigger()
    dialog = supervisor.sign_off_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.scope.count() == 2 and dialog.sign_button.isEnabled(),
                    timeout=15_000)  # fmt: skip
    assert "Audit head" in dialog.details.toHtml()
    with qtbot.waitSignal(dialog.previewed, timeout=15_000):
        dialog.scope.setCurrentIndex(1)  # exhibit DEMO/1
    dialog.note.setText("checked in the GUI")
    with qtbot.waitSignal(dialog.signed, timeout=15_000) as signed:
        dialog.sign_button.click()
    row = signed.args[0].sign_off
    assert (row.object, row.note) == ("exhibit DEMO/1", "checked in the GUI")
    assert f"head {row.head_seq} {row.head_hash}" in dialog.status.text()
    session = supervisor.session
    assert session is not None
    assert [s.id for s in signoff.sign_offs(session)] == [row.id]
    dialog.close()


def test_a_blind_second_grader_gets_the_sample_not_the_gallery(
    qtbot: QtBot, graded_case: Path, tmp_path: Path
) -> None:
    with CaseSession.sign_in(graded_case, DEMO_SUPERVISOR, DEMO_PASSWORD) as s:
        s.review.add_account(name="Second Examiner", badge="E2", role="examiner",
                             password_hash=hash_password(DEMO_PASSWORD), actor=s.actor)  # fmt: skip
        drawn = qa.draw_sample(s, examiner=DEMO_EXAMINER, second_grader="E2", percent=50, seed=1)
        first = {i: g.category for i, g in s.review.grades(list(drawn.items)).items()}
    window = MainWindow(settings=ViewerSettings(), library=tmp_path / "library.db")
    qtbot.addWidget(window)
    window.show()
    try:
        window.open_case(graded_case, "E2", DEMO_PASSWORD)
        qtbot.waitUntil(lambda: window.blind_dialog is not None, timeout=15_000)
        dialog = window.blind_dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.list.count() == len(drawn.items), timeout=15_000)
        # No gallery, no grades: the window holds no case session and no rows.
        assert window.session is None and window.panel.model is None
        texts = [dialog.list.item(r).text() for r in range(dialog.list.count())]
        assert all(t.endswith("your grade: -") for t in texts), texts
        assert [int(t.split("item ")[1].split()[0]) for t in texts] == list(drawn.items)
        # A held reveal is logged with its duration.
        qtbot.waitUntil(lambda: dialog.picture.pixmap() is not None
                        and not dialog.picture.pixmap().isNull(), timeout=15_000)  # fmt: skip
        dialog.start_reveal()
        qtbot.waitUntil(lambda: dialog._clock.isValid(), timeout=15_000)
        qtbot.wait(50)
        with qtbot.waitSignal(dialog.revealed, timeout=5_000) as revealed:
            dialog.end_reveal("released")
        assert revealed.args[0] == drawn.items[0] and revealed.args[1] > 0
        # Grade everything "C" from the buttons; each is a second grade, not a grade.
        for _ in drawn.items:
            with qtbot.waitSignal(dialog.graded, timeout=15_000):
                dialog.grade_buttons["C"].click()
        assert "complete" in dialog.status.text()
        assert not dialog.grade_buttons["C"].isEnabled()
        dialog.close()
        wait_writer(qtbot, window)
        assert window.blind_dialog is None
    finally:
        window.close()
    with CaseSession.sign_in(graded_case, DEMO_SUPERVISOR, DEMO_PASSWORD) as s:
        report = qa.qa_report(s, drawn.round_id)
        assert report.complete
        assert {i: g.category for i, g in s.review.grades(list(drawn.items)).items()} == first
        reveals = [r for r in s.review.audit_rows() if r.action == audit.REVEAL]
    assert [r.user for r in reveals] == ["Second Examiner (E2)"]
    assert "qa blind" in reveals[0].payload


def test_the_qa_panel_draws_reports_and_adjudicates(
    qtbot: QtBot, graded_case: Path, tmp_path: Path
) -> None:
    with CaseSession.sign_in(graded_case, DEMO_SUPERVISOR, DEMO_PASSWORD) as s:
        s.review.add_account(name="Second Examiner", badge="E2", role="examiner",
                             password_hash=hash_password(DEMO_PASSWORD), actor=s.actor)  # fmt: skip
    window = _open_as(qtbot, graded_case, tmp_path / "library.db", DEMO_SUPERVISOR)
    try:
        window.act_qa.trigger()
        dialog = window.qa_dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: dialog.second.findData("Second Examiner (E2)") >= 0, timeout=15_000)
        assert DEMO_SUPERVISOR + " (S0001)" not in [
            dialog.second.itemText(i) for i in range(dialog.second.count())
        ]
        dialog.examiner.setCurrentIndex(dialog.examiner.findData(f"{DEMO_EXAMINER} (D1234)"))
        dialog.second.setCurrentIndex(dialog.second.findData("Second Examiner (E2)"))
        dialog.by_count.setChecked(True)
        dialog.counts.setText("A=2 B=1")
        dialog.seed.setText("42")
        with qtbot.waitSignal(dialog.drawn, timeout=15_000) as drawn:
            dialog.draw_button.click()
        sample = drawn.args[0]
        assert (sample.seed, sample.drawn_per_category) == (42, {"A": 2, "B": 1})
        qtbot.waitUntil(lambda: dialog.round_table.rowCount() == 1, timeout=15_000)
        # The second grader (through the core, as the CLI does) says C for every item.
        with CaseSession.sign_in(graded_case, "E2", DEMO_PASSWORD) as s:
            for item in sample.items:
                qa.record_second_grade(s, sample.round_id, item, "C")
        with qtbot.waitSignal(dialog.report_shown, timeout=15_000) as shown:
            dialog.select_round(sample.round_id)
        report = shown.args[0]
        assert report.complete and len(report.disagreements) == 3
        assert "Cohen's kappa" in dialog.summary.text()
        assert dialog.queue.rowCount() == 3 and dialog.category_table.rowCount() == 3
        dialog.queue.selectRow(0)
        assert dialog.adjudicate_button.isEnabled()
        dialog.final.setCurrentIndex(dialog.final.findData("C"))
        dialog.reason.setText("clearer on the full-size image")
        with qtbot.waitSignal(dialog.adjudicated, timeout=15_000) as done:
            dialog.adjudicate_button.click()
        assert done.args[0].grade_changed and done.args[0].category == "C"
        qtbot.waitUntil(lambda: dialog.queue.item(0, 4) is not None
                        and dialog.queue.item(0, 4).text() == "C", timeout=15_000)  # fmt: skip
        item = done.args[0].item_id
        dialog.close()
        wait_writer(qtbot, window)
        session = window.session
        assert session is not None
        history = session.review.history(item)
        assert history[-1]["reason"].endswith("clearer on the full-size image")
    finally:
        window.close()
