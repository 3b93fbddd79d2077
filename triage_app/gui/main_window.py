"""The main window: opens a case and shows what it holds."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from triage_app import __version__
from triage_app.accounts import PASSWORD_ENV, USER_ENV
from triage_app.errors import TriageError
from triage_app.records import CaseSummary
from triage_app.session import CaseSession


class MainWindow(QMainWindow):
    """Top-level window of ``triage-app``."""

    def __init__(self) -> None:
        super().__init__()
        self.session: CaseSession | None = None
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

    def open_case(
        self, case_dir: Path, login: str | None = None, password: str | None = None
    ) -> bool:
        """Sign in to a case folder; show an error dialog if that fails."""
        login = login or os.environ.get(USER_ENV)
        if login is None:
            login, ok = QInputDialog.getText(self, "Sign in", "Account name or ID:")
            if not ok or not login:
                return False
        if password is None:
            password = os.environ.get(PASSWORD_ENV)
        if password is None:
            password, ok = QInputDialog.getText(
                self, "Sign in", f"Password for {login}:", QLineEdit.EchoMode.Password
            )
            if not ok:
                return False
        try:
            session = CaseSession.sign_in(case_dir, login, password, client="gui")
            summary = session.store.summary()
        except TriageError as exc:
            QMessageBox.critical(self, "Cannot open case", str(exc))
            return False
        if self.session is not None:
            self.session.close()
        self.session = session
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
        if self.session is not None:
            self.session.close()
            self.session = None
        super().closeEvent(event)  # type: ignore[arg-type]
