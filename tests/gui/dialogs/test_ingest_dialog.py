"""Ingest from the window: progress, rate and ETA, and Cancel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pytestqt.qtbot import QtBot

from gui.helpers import wait_writer
from triage_app.demo import synthetic
from triage_app.gui.dialogs.ingest_dialog import IngestDialog
from triage_app.gui.window.main_window import MainWindow
from triage_app.ingest.progress import RateMeter


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
    # A plain slot that outlives the test's waits: a waitSignal blocker on this
    # cross-thread signal can be torn down with queued emissions still pending.
    seen: list[object] = []
    dialog.relay.progress.connect(seen.append)
    dialog.begin(source, "NEW/1", 1)
    qtbot.waitUntil(lambda: bool(seen), timeout=30_000)
    assert dialog.running and not dialog.close_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    # the gallery reloads after the ingest (other reloads may come first)
    qtbot.waitUntil(
        lambda: window.panel.model is not None and window.panel.model.total == before + 6,
        timeout=60_000,
    )
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


def test_the_bar_is_busy_not_stuck_at_zero_while_the_workers_start(qtbot: QtBot) -> None:
    dialog = IngestDialog()
    qtbot.addWidget(dialog)
    meter = RateMeter(40, 4_000_000)
    dialog.show_progress(meter.snapshot("hashing", 0, 0))
    assert (dialog.bar.minimum(), dialog.bar.maximum()) == (0, 0), "busy, not 0 %"
    assert dialog.rate.text() == "Starting the worker processes…"
    dialog.show_progress(meter.snapshot("hashing", 4, 400_000))
    assert dialog.bar.maximum() == 1000 and dialog.bar.value() == 100
    assert "Starting" not in dialog.rate.text()
