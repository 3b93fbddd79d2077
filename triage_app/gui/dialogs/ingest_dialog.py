"""Add an exhibit and ingest it: a form, then a progress bar with rate, ETA and Cancel.

The ingest runs on the writer thread (it writes the case database); its
progress callback is called there and relayed to this dialog as a queued
signal. Cancel sets the ``threading.Event`` the pipeline polls. After the
ingest, the case is matched against the hash library (when it holds sets),
exact hits are graded from the lists and duplicate groups are recomputed,
all on the same writer thread.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from triage_app.case.session import CaseSession
from triage_app.gui.qt import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QObject,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
    Signal,
    Slot,
)
from triage_app.gui.widgets.forms import ok_cancel, path_field, problem_label
from triage_app.ingest.pipeline import IngestOptions, IngestResult, ingest_exhibit
from triage_app.ingest.progress import Progress, format_bytes, format_duration
from triage_app.review.refresh import RefreshResult, refresh


class ProgressRelay(QObject):
    """Carries progress snapshots from the writer thread to the dialog (a queued signal)."""

    progress = Signal(object)


def progress_text(p: Progress) -> tuple[str, str]:
    """Two lines for a progress snapshot: counts, then rate / elapsed / ETA."""
    counts = f"{p.phase}: {p.files_done:,} of {p.files_total:,} files"
    if p.bytes_total:
        counts += f" ({format_bytes(p.bytes_done)} of {format_bytes(p.bytes_total)})"
    if p.already_done:
        counts += f"; {p.already_done:,} already done"
    rate = (
        f"{p.files_per_second:.1f} files/s, {format_bytes(p.bytes_per_second)}/s; "
        f"elapsed {format_duration(p.elapsed)}, ETA {format_duration(p.eta_seconds)}"
    )
    return counts, rate


def run_ingest(
    session: CaseSession,
    source: Path,
    exhibit: str,
    workers: int,
    relay: ProgressRelay,
    cancel: threading.Event,
    library: Path | None,
) -> tuple[IngestResult, RefreshResult | None]:
    """The writer-thread job: ingest, then match/grade-from-lists/regroup if it finished."""
    result = ingest_exhibit(
        session,
        source,
        exhibit,
        IngestOptions(workers=workers),
        progress=relay.progress.emit,
        cancel=cancel,
    )
    refreshed = None
    if result.state == "finished" or result.added:
        refreshed = refresh(session, library)
    return result, refreshed


class IngestDialog(QDialog):
    """Collects the source folder and exhibit reference, then shows the ingest's progress.

    Signals:
        start_requested(Path, str, int): source folder, exhibit reference, worker processes.
    """

    start_requested = Signal(Path, str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add exhibit and ingest")
        self.setMinimumWidth(560)
        self.cancel_event = threading.Event()
        self.relay = ProgressRelay(self)
        self.relay.progress.connect(self.show_progress)
        self.running = False
        self._stack = QStackedWidget()
        self._stack.addWidget(self._form_page())
        self._stack.addWidget(self._progress_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self._stack)

    # -- pages ----------------------------------------------------------------------

    def _form_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.source = QLineEdit()
        self.source.setAccessibleName("Source folder, disk image or archive")
        self.source.setPlaceholderText("a folder, an E01 or raw image, a tar or zip")
        self.exhibit = QLineEdit()
        self.exhibit.setPlaceholderText("e.g. ABC/1")
        self.workers = QSpinBox()
        self.workers.setRange(1, max(1, (os.cpu_count() or 1) * 2))
        self.workers.setValue(os.cpu_count() or 1)
        image_button = QPushButton("&Image or archive…")
        image_button.clicked.connect(self._browse_file)
        source_row = QHBoxLayout()
        source_row.setContentsMargins(0, 0, 0, 0)
        source_row.addWidget(path_field(self.source, self._browse), 1)
        source_row.addWidget(image_button)
        holder = QWidget()
        holder.setLayout(source_row)
        form.addRow("&Source (read-only):", holder)
        form.addRow("&Exhibit reference:", self.exhibit)
        form.addRow("&Worker processes:", self.workers)
        self.problem = problem_label()
        form.addRow(self.problem)
        form.addRow(ok_cancel(self._start, self.reject, "Start ingest"))
        return page

    def _progress_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.title = QLabel("")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setAccessibleName("Ingest progress")
        self.counts = QLabel("starting…")
        self.rate = QLabel("")
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("C&lose")
        self.close_button.clicked.connect(self.accept)
        self.close_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        for widget in (self.title, self.bar, self.counts, self.rate):
            if isinstance(widget, QLabel):
                widget.setWordWrap(True)
            layout.addWidget(widget)
        layout.addLayout(buttons)
        return page

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Exhibit folder to ingest")
        if folder:
            self.source.setText(folder)
            if not self.exhibit.text():
                self.exhibit.setFocus()

    def _browse_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Disk image (first segment) or archive to ingest",
            "",
            "Images and archives (*.E01 *.e01 *.Ex01 *.dd *.raw *.img *.001 *.tar *.tgz "
            "*.gz *.bz2 *.xz *.zip);;All files (*)",
        )
        if name:
            self.source.setText(name)
            if not self.exhibit.text():
                self.exhibit.setFocus()

    def _start(self) -> None:
        source = self.source.text().strip()
        exhibit = self.exhibit.text().strip()
        if not source or not (Path(source).is_dir() or Path(source).is_file()):
            self.problem.setText("Choose an existing source folder, disk image or archive.")
            return
        if not exhibit:
            self.problem.setText("An exhibit reference is required.")
            return
        self.begin(Path(source), exhibit, self.workers.value())

    # -- running ------------------------------------------------------------------

    def begin(self, source: Path, exhibit: str, workers: int) -> None:
        """Switch to the progress page and ask for the ingest to start."""
        self.running = True
        self.cancel_event.clear()
        self.title.setText(f"Ingesting {source} as exhibit {exhibit}")
        self._stack.setCurrentIndex(1)
        self.cancel_button.setFocus()
        self.start_requested.emit(source, exhibit, workers)

    @Slot(object)
    def show_progress(self, p: Progress) -> None:
        """Show a progress snapshot (a busy bar while the folder is walked and the workers
        start: nothing is done yet, and a bar standing at 0 would look stuck)."""
        starting = p.phase == "hashing" and p.files_done == 0 and not p.bytes_done
        if p.phase == "walking" or starting or (not p.files_total and p.phase == "hashing"):
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(round(p.fraction * 1000))
        counts, rate = progress_text(p)
        if starting and p.files_total:
            rate = "Starting the worker processes…"
        self.counts.setText(counts)
        self.rate.setText(rate)

    def cancel(self) -> None:
        """Ask the ingest to stop (what is recorded stays; running it again resumes)."""
        self.cancel_event.set()
        self.cancel_button.setEnabled(False)
        self.counts.setText(self.counts.text() + " - cancelling…")

    def show_finished(self, outcome: Any) -> None:
        """Show how the ingest ended (``(IngestResult, RefreshResult | None)``)."""
        self.running = False
        result, refreshed = outcome
        t = result.totals
        self.bar.setRange(0, 1000)
        self.bar.setValue(1000 if result.state == "finished" else max(0, self.bar.value()))
        self.counts.setText(
            f"{result.state}: {result.added:,} entries recorded; exhibit {result.exhibit} has "
            f"{t.found:,} = hashed {t.hashed:,} + skipped {t.skipped:,} + failed {t.failed:,}"
        )
        lines = [f"took {format_duration(result.elapsed)}"]
        if refreshed is not None and refreshed.match is not None:
            c = refreshed.match.counts
            lines.append(
                f"matched: exact {c.get('exact', 0)}, near {c.get('near', 0)}, "
                f"ignorable {c.get('ignorable', 0)}"
            )
        if refreshed is not None:
            lines.append(f"duplicate groups: {refreshed.groups.groups}")
        self.rate.setText("; ".join(lines))
        self._done()

    def show_failed(self, message: str) -> None:
        """Show why the ingest could not run."""
        self.running = False
        self.counts.setText(f"Ingest failed: {message}")
        self._done()

    def _done(self) -> None:
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)
        self.close_button.setFocus()

    def reject(self) -> None:
        """Escape while running cancels instead of hiding the progress."""
        if self.running:
            self.cancel()
            return
        super().reject()
