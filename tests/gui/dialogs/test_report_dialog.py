"""The "Make report" dialog: the CLI's reports and hash lists, written on the writer thread.

Each file the dialog writes is compared byte for byte with what the core's
own export writes from the same read of the case (the report data the
dialog's export built, captured on its way), and its audit entry with the
core's entry for that file; refused targets show one line and leave nothing.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from gui.helpers import open_window
from triage_app.cli.report_commands import _print as cli_print
from triage_app.gui.dialogs.report_dialog import HASH_LIST, REPORT, ReportDialog, run_export
from triage_app.gui.dialogs.report_dialog import ReportRequest as Request
from triage_app.gui.window.main_window import MainWindow
from triage_app.reports import export as core_export
from triage_app.reports.export import ExportResult
from triage_app.reports.model import ReportData

WAIT = 60_000


@pytest.fixture
def graded(qtbot: QtBot, graded_case: Path, tmp_path: Path) -> Iterator[MainWindow]:
    """The workstation signed in to the demo case with six graded images."""
    w = open_window(qtbot, graded_case, tmp_path / "library.db")
    yield w
    w.close()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[ReportData, str]]:
    """Every read of the case an export makes, with the name of the thread that made it."""
    seen: list[tuple[ReportData, str]] = []
    real = core_export.build_report_data

    def spy(session: Any, **kw: Any) -> ReportData:
        data = real(session, **kw)
        seen.append((data, threading.current_thread().name))
        return data

    monkeypatch.setattr(core_export, "build_report_data", spy)
    return seen


def make_dialog(qtbot: QtBot, window: MainWindow, kind: str = REPORT) -> ReportDialog:
    assert window.session is not None
    dialog = ReportDialog(window.session, window.writer, window, kind=kind)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill(dialog: ReportDialog, fmt: str, out: Path, *, thumbnails: bool = False) -> None:
    """Choose ``fmt`` and ``out`` in the form as the examiner would."""
    dialog.format.setCurrentIndex(dialog.format.findData(fmt))
    assert dialog.fmt() == fmt
    dialog.path.setText(str(out))
    dialog.thumbnails.setChecked(thumbnails)


def export_entries(case: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(case / "case.db") as con:
        rows = con.execute("SELECT payload FROM audit_log WHERE action = 'export' ORDER BY seq")
        return [json.loads(p) for (p,) in rows]


def core_writes(
    qtbot: QtBot, window: MainWindow, data: ReportData, request: Request, mp: pytest.MonkeyPatch
) -> ExportResult:
    """The core's export of ``request`` from the same report data, on the writer thread."""
    mp.setattr(core_export, "build_report_data", lambda _session, **_kw: data)
    session = window.session
    assert session is not None
    out: list[ExportResult] = []
    window.writer.submit(lambda: run_export(session, request), out.append)
    qtbot.waitUntil(lambda: bool(out), timeout=WAIT)
    return out[0]


@pytest.mark.parametrize(
    ("kind", "fmt", "thumbnails"),
    [(REPORT, "pdf", False), (REPORT, "html", True), (REPORT, "csv", False),
     (REPORT, "vics", False), (HASH_LIST, "csv", False), (HASH_LIST, "vics", False)],
)  # fmt: skip
def test_the_dialog_writes_what_the_core_writes(
    qtbot: QtBot,
    graded: MainWindow,
    graded_case: Path,
    tmp_path: Path,
    reads: list[tuple[ReportData, str]],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    fmt: str,
    thumbnails: bool,
) -> None:
    dialog = make_dialog(qtbot, graded, kind)
    out = tmp_path / f"out.{fmt}"
    fill(dialog, fmt, out, thumbnails=thumbnails)
    with qtbot.waitSignal(dialog.exported, timeout=WAIT) as done:
        dialog.write_button.click()
        assert dialog.running and dialog.bar.isVisible() and not dialog.close_button.isEnabled()
    result: ExportResult = done.args[0]
    assert not dialog.running and not dialog.bar.isVisible() and dialog.problem.text() == ""
    ((data, thread),) = reads
    assert thread.startswith("writer") and thread != threading.main_thread().name
    written = out.read_bytes()
    assert hashlib.sha256(written).hexdigest() == result.sha256
    assert (result.what, result.format, result.path) == (kind, fmt, out)
    assert ("thumbnails" in result.counts) == thumbnails
    if thumbnails:
        assert result.counts["thumbnails"] > 0
    if kind == HASH_LIST:
        assert result.counts["entries"] > 0
    again = Request(kind, fmt, tmp_path / f"core.{fmt}", thumbnails=thumbnails)
    core = core_writes(qtbot, graded, data, again, monkeypatch)
    assert written == again.out.read_bytes()
    assert (core.sha256, core.counts, core.audit_head) == (result.sha256, result.counts,
                                                           result.audit_head)  # fmt: skip
    mine, theirs = export_entries(graded_case)[-2:]
    assert mine["file"] == str(out.resolve()) and mine["sha256"] == result.sha256
    assert {**mine, "file": None} == {**theirs, "file": None}
    assert mine.get("thumbnails") == (thumbnails if kind == REPORT else None)


def test_it_says_what_the_cli_prints(
    qtbot: QtBot, graded: MainWindow, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dialog = make_dialog(qtbot, graded)
    fill(dialog, "csv", tmp_path / "report.csv")
    with qtbot.waitSignal(dialog.exported, timeout=WAIT) as done:
        dialog.start()
    cli_print(done.args[0])
    printed = capsys.readouterr()
    assert dialog.status.text().splitlines() == (printed.err + printed.out).splitlines()
    assert "recorded as audit entry" in dialog.status.text()


def test_options_follow_the_cli(qtbot: QtBot, graded: MainWindow) -> None:
    dialog = make_dialog(qtbot, graded)
    formats = [dialog.format.itemData(i) for i in range(dialog.format.count())]
    assert formats == ["pdf", "html", "csv", "vics"]
    dialog.path.setText("/tmp/x/report.pdf")
    for fmt, thumbs in (("pdf", True), ("html", True), ("csv", False), ("vics", False)):
        dialog.format.setCurrentIndex(dialog.format.findData(fmt))
        assert dialog.thumbnails.isEnabled() == thumbs and dialog.allow_incomplete.isEnabled()
    assert dialog.path.text() == "/tmp/x/report.json"
    dialog.kind.setCurrentIndex(dialog.kind.findData(HASH_LIST))
    formats = [dialog.format.itemData(i) for i in range(dialog.format.count())]
    assert formats == ["csv", "vics"]
    assert not dialog.thumbnails.isEnabled() and not dialog.allow_incomplete.isEnabled()
    dialog.path.setText("")
    dialog.start()
    assert not dialog.running and dialog.problem.text() == "Choose the file to write."


def _refused_targets(case: Path, tmp_path: Path, evidence: Path) -> dict[str, tuple[Path, str]]:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE t (x)")
    return {
        "case files": (case / "case.db-report.pdf", "the case's own files"),
        "case marker": (case / "case.json", "the case's own files"),
        "evidence": (evidence / "report.pdf", "nothing is ever written into evidence"),
        "database": (db, "is a database"),
        "folder": (tmp_path, "is a folder"),
    }


@pytest.mark.parametrize("target", ["case files", "case marker", "evidence", "database", "folder"])
def test_a_refused_target_shows_one_line_and_writes_nothing(
    qtbot: QtBot,
    graded: MainWindow,
    graded_case: Path,
    demo_template: Path,
    tmp_path: Path,
    target: str,
) -> None:
    evidence = demo_template.with_name(demo_template.name + "-evidence")
    assert evidence.is_dir()
    out, why = _refused_targets(graded_case, tmp_path, evidence)[target]
    before = out.read_bytes() if out.is_file() else None
    exports = len(export_entries(graded_case))
    dialog = make_dialog(qtbot, graded)
    fill(dialog, "pdf", out)
    with qtbot.waitSignal(dialog.failed, timeout=WAIT) as failed:
        dialog.write_button.click()
    text = dialog.problem.text()
    assert failed.args == [text] and text.startswith("Not written: ") and why in text
    assert "\n" not in text and "Traceback" not in text
    assert dialog.status.text() == "" and not dialog.running and dialog.close_button.isEnabled()
    assert (out.read_bytes() if out.is_file() else None) == before
    assert [p.name for p in out.parent.glob(f".{out.name}*")] == []  # no temporary left
    assert len(export_entries(graded_case)) == exports
    dialog.close_button.click()
    assert not dialog.isVisible()


def test_it_cannot_be_closed_while_writing(
    qtbot: QtBot, graded: MainWindow, tmp_path: Path
) -> None:
    gate = threading.Event()
    graded.writer.submit(lambda: gate.wait(WAIT / 1000))  # busy: the export waits its turn
    dialog = make_dialog(qtbot, graded)
    fill(dialog, "csv", tmp_path / "report.csv")
    try:
        dialog.start()
        dialog.reject()
        dialog.close()
        assert dialog.isVisible() and dialog.running and "still writing" in dialog.status.text()
        with qtbot.waitSignal(dialog.exported, timeout=WAIT):
            gate.set()
    finally:
        gate.set()  # never leave the writer waiting (teardown joins it)
    dialog.close_button.click()
    assert not dialog.isVisible() and (tmp_path / "report.csv").is_file()
