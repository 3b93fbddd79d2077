"""A blind second grader gets the sample, never the gallery or the earlier grades."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.helpers import wait_writer
from triage_app import audit
from triage_app.case.session import CaseSession
from triage_app.config.viewer_settings import ViewerSettings
from triage_app.demo.build import DEMO_EXAMINER, DEMO_PASSWORD, DEMO_SUPERVISOR
from triage_app.domain.accounts import hash_password
from triage_app.gui.window.main_window import MainWindow
from triage_app.supervision import qa


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
