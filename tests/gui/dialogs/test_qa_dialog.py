"""The QA panel: draw a sample, read agreement and kappa, adjudicate."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.helpers import open_window, wait_writer
from triage_app.case.session import CaseSession
from triage_app.demo.build import DEMO_EXAMINER, DEMO_PASSWORD, DEMO_SUPERVISOR
from triage_app.domain.accounts import hash_password
from triage_app.supervision import qa


def test_the_qa_panel_draws_reports_and_adjudicates(
    qtbot: QtBot, graded_case: Path, tmp_path: Path
) -> None:
    with CaseSession.sign_in(graded_case, DEMO_SUPERVISOR, DEMO_PASSWORD) as s:
        s.review.add_account(name="Second Examiner", badge="E2", role="examiner",
                             password_hash=hash_password(DEMO_PASSWORD), actor=s.actor)  # fmt: skip
    window = open_window(qtbot, graded_case, tmp_path / "library.db", login=DEMO_SUPERVISOR)
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
