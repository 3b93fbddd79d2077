"""The GUI thread never decodes an image and never writes to the database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from gui.helpers import open_window, wait_thumbnails, wait_writer
from triage_app.gui.qt import Qt
from triage_app.gui.workers import JobQueue, our_threads
from triage_app.storage.case_store import CaseStore


def _on_gui_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[bool]]]:
    """Record, for every image decode and database write, whether it ran on the GUI thread."""
    seen: dict[str, list[bool]] = {"decode": [], "write": []}
    real_open = Image.open
    real_write = CaseStore.write_session

    def open_(*args: Any, **kwargs: Any) -> Image.Image:
        seen["decode"].append(_on_gui_thread())
        return real_open(*args, **kwargs)

    def write_session(self: CaseStore) -> AbstractContextManager[Any]:
        seen["write"].append(_on_gui_thread())
        return real_write(self)

    monkeypatch.setattr(Image, "open", open_)
    monkeypatch.setattr(CaseStore, "write_session", write_session)
    yield seen


def test_gui_thread_never_decodes_or_writes(
    qtbot: QtBot, watched: dict[str, list[bool]], demo_case: Path, tmp_path: Path
) -> None:
    window = open_window(qtbot, demo_case, tmp_path / "lib.db")
    wait_thumbnails(qtbot, window)
    view = window.panel.view
    view.setFocus()
    reveal = window.panel.reveal
    assert reveal is not None
    with qtbot.waitSignal(reveal.revealed):
        qtbot.keyPress(view, Qt.Key.Key_Space)
    with qtbot.waitSignal(reveal.concealed):
        qtbot.keyRelease(view, Qt.Key.Key_Space)
    qtbot.keyClick(view, Qt.Key.Key_3)
    wait_writer(qtbot, window)
    window.close()
    assert len(watched["decode"]) >= 5, "thumbnails and the reveal were decoded"
    assert len(watched["write"]) >= 4, "sign-in, reveal, grade and close were written"
    assert not any(watched["decode"]), "an image was decoded on the GUI thread"
    assert not any(watched["write"]), "the database was written from the GUI thread"


def test_one_writer_runs_jobs_in_order_on_one_thread(qtbot: QtBot) -> None:
    writer = JobQueue("writer-test", threads=1)
    seen: list[tuple[int, str]] = []
    done: list[int] = []
    try:
        for i in range(20):
            writer.submit(
                lambda i=i: seen.append((i, threading.current_thread().name)) or i,
                done.append,
            )
        qtbot.waitUntil(lambda: writer.pending == 0)
    finally:
        writer.shutdown()
    assert [i for i, _ in seen] == list(range(20)) and done == list(range(20))
    assert {name for _, name in seen} == {"writer-test-0"}


def test_a_failing_job_reports_its_error_on_the_gui_thread(qtbot: QtBot) -> None:
    queue = JobQueue("reader-test", threads=2)
    errors: list[tuple[str, bool]] = []
    try:

        def boom() -> None:
            raise ValueError("no such thing")

        queue.submit(boom, on_error=lambda exc: errors.append((str(exc), _on_gui_thread())))
        with qtbot.waitSignal(queue.error) as reported:
            queue.submit(boom)
        qtbot.waitUntil(lambda: queue.pending == 0)
    finally:
        queue.shutdown()
    assert errors == [("no such thing", True)]
    assert reported.args == ["no such thing"]
    assert our_threads() == []
    with pytest.raises(RuntimeError, match="shut down"):
        queue.submit(lambda: None)
