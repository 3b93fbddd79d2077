"""The main window: opens a case and shows what it holds."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from triage_app import __version__
from triage_app.errors import TriageError
from triage_app.records import CaseSummary
from triage_app.storage.case_store import CaseStore


class MainWindow(QMainWindow):
    """Top-level window of ``triage-app``."""

    def __init__(self) -> None:
        super().__init__()
        self.store: CaseStore | None = None
        self.setWindowTitle(f"Triage workstation {__version__}")
        self.resize(900, 600)
        self._build_menus()
        self._labels: dict[str, QLabel] = {}
        panel = QWidget(self)
        form = QFormLayout(panel)
        for key, title in [
            ("reference", "Case reference"),
            ("scheme", "Grading scheme"),
            ("examiner", "Examiner"),
            ("created", "Created (UTC)"),
            ("exhibits", "Exhibits"),
            ("totals", "Files"),
        ]:
            label = QLabel("-", panel)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._labels[key] = label
            form.addRow(title, label)
        self.setCentralWidget(panel)
        self.statusBar().showMessage("No case open. File > Open case...")

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        open_action = QAction("&Open case...", self)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._choose_case)
        file_menu.addAction(open_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

    def _choose_case(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open case folder")
        if folder:
            self.open_case(Path(folder))

    def open_case(self, case_dir: Path) -> bool:
        """Open a case folder; show an error dialog if it cannot be opened."""
        try:
            store = CaseStore.open(case_dir)
            summary = store.summary()
        except TriageError as exc:
            QMessageBox.critical(self, "Cannot open case", str(exc))
            return False
        if self.store is not None:
            self.store.close()
        self.store = store
        self.show_summary(summary)
        self.statusBar().showMessage(f"Case {summary.reference} open from {case_dir}")
        return True

    def show_summary(self, s: CaseSummary) -> None:
        """Fill the summary panel."""
        t = s.totals
        self.setWindowTitle(f"{s.reference} - Triage workstation {__version__}")
        self._labels["reference"].setText(s.reference)
        self._labels["scheme"].setText(s.scheme)
        self._labels["examiner"].setText(s.examiner)
        self._labels["created"].setText(s.created_at)
        self._labels["exhibits"].setText(", ".join(s.exhibits) or "(none)")
        self._labels["totals"].setText(
            f"found {t.found} = hashed {t.hashed} + skipped {t.skipped} + failed {t.failed}"
        )

    def closeEvent(self, event: object) -> None:
        """Release the case when the window closes."""
        if self.store is not None:
            self.store.close()
            self.store = None
        super().closeEvent(event)  # type: ignore[arg-type]
