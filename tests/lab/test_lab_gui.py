"""The workstation creates and opens a lab case (PostgreSQL) as it does a folder case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from lab.conftest import PASSWORDS, Cluster
from triage_app.gui.dialogs.new_case_dialog import NewCaseDialog, create_case
from triage_app.gui.window.main_window import MainWindow
from triage_app.gui.workers import our_threads

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_level_fail("WARNING")]


def test_the_new_case_dialog_makes_and_opens_a_lab_case(
    qtbot: QtBot, pg: Cluster, tmp_path: Path
) -> None:
    db = pg.lab_database()
    dialog = NewCaseDialog()
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(tmp_path / "lab-case"))
    dialog.reference.setText("OP-LAB-1")
    dialog.examiner.setText("Ann Examiner")
    dialog.password.setText("secret")
    dialog.password2.setText("secret")
    dialog.database_url.setText(pg.url(db).replace("triage_app@", "triage_app:pw@"))
    problem = dialog.problems()
    assert problem is not None and "must not hold a password" in problem
    dialog.database_url.setText("mysql://db/x")
    assert "PostgreSQL" in (dialog.problems() or "")
    dialog.database_url.setText(pg.url(db))
    assert dialog.problems() is None
    new = dialog.value()
    assert new.database_url == pg.url(db)
    window = MainWindow(library=tmp_path / "lib.db")
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.case_opened, timeout=20_000) as opened:
        window.writer.submit(
            lambda: create_case(new),
            lambda _: window.open_case(new.folder, new.examiner, new.password),
        )
    assert opened.args == ["OP-LAB-1"]
    marker = json.loads((new.folder / "case.json").read_text())
    assert marker["database_url"].startswith("postgresql+psycopg://triage_app@/")
    assert PASSWORDS["triage_app"] not in (new.folder / "case.json").read_text()
    assert pg.psql("SELECT reference FROM case_info", db).stdout.strip() == "OP-LAB-1"
    window.close()
    assert our_threads() == []
