"""The supervisor view: the verified chain, filters, statistics and exports."""

from __future__ import annotations

import csv
import sqlite3
import subprocess
from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.helpers import open_window, wait_writer
from triage_app import audit
from triage_app.demo.build import DEMO_EXAMINER, DEMO_SUPERVISOR
from triage_app.gui.widgets.supervisor_view import SupervisorView
from triage_app.gui.window.main_window import MainWindow


def _view(qtbot: QtBot, window: MainWindow) -> SupervisorView:
    window.act_supervisor.trigger()
    view = window.supervisor_view
    assert view is not None
    qtbot.waitUntil(lambda: view.review is not None and view.model.rowCount() > 0, timeout=15_000)
    return view


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
    window = open_window(qtbot, graded_case, tmp_path / "library.db", login=DEMO_SUPERVISOR)
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
