"""Dialogs to sign in to a case and to create a new case.

They only collect what is typed; checking the password and creating the
case happen on the writer thread (both write to the case database).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from triage_app.config.schemes import load_scheme
from triage_app.domain.accounts import MIN_PASSWORD_LENGTH
from triage_app.domain.options import SCHEME_IDS


class SignInDialog(QDialog):
    """Account and password for a case folder."""

    def __init__(self, case_dir: Path, login: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Case folder: {case_dir}"))
        form = QFormLayout()
        self.login = QLineEdit(login)
        self.login.setAccessibleName("Account")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        form.addRow("&Account (name or badge):", self.login)
        form.addRow("&Password:", self.password)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if login else self.login).setFocus()


@dataclass(frozen=True, slots=True)
class NewCase:
    """What is needed to create a case and its first account."""

    folder: Path
    reference: str
    examiner: str
    badge: str | None
    password: str
    scheme: str


class NewCaseDialog(QDialog):
    """Folder, reference, scheme and the first (examiner) account of a new case."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New case")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.folder = QLineEdit()
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder)
        row.addWidget(browse)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self.reference = QLineEdit()
        self.examiner = QLineEdit()
        self.badge = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        self.scheme = QComboBox()
        for scheme_id in SCHEME_IDS:
            self.scheme.addItem(load_scheme(scheme_id).name, scheme_id)
        form.addRow("Case &folder (new, empty):", holder)
        form.addRow("Case &reference:", self.reference)
        form.addRow("&Examiner name:", self.examiner)
        form.addRow("Ba&dge (optional):", self.badge)
        form.addRow("&Password:", self.password)
        form.addRow("Password a&gain:", self.password2)
        form.addRow("Grading &scheme:", self.scheme)
        layout.addLayout(form)
        self.problem = QLabel("")
        self.problem.setStyleSheet("color: #b71c1c")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create case")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the new case")
        if folder:
            self.folder.setText(folder)

    def problems(self) -> str | None:
        """What is missing or wrong, if anything."""
        if not self.folder.text().strip():
            return "Choose a folder for the case."
        if not self.reference.text().strip():
            return "A case reference is required."
        if not self.examiner.text().strip():
            return "An examiner name is required."
        if len(self.password.text()) < MIN_PASSWORD_LENGTH:
            return f"The password needs at least {MIN_PASSWORD_LENGTH} characters."
        if self.password.text() != self.password2.text():
            return "The passwords differ."
        return None

    def _check(self) -> None:
        problem = self.problems()
        if problem:
            self.problem.setText(problem)
            return
        self.accept()

    def value(self) -> NewCase:
        """The new case as entered."""
        return NewCase(
            folder=Path(self.folder.text().strip()),
            reference=self.reference.text().strip(),
            examiner=self.examiner.text().strip(),
            badge=self.badge.text().strip() or None,
            password=self.password.text(),
            scheme=str(self.scheme.currentData()),
        )
