"""The sign-in dialog: account and password for a case folder.

It only collects what is typed; the password is checked on the writer thread
(a sign-in is written to the case's audit trail, refused or not).
"""

from __future__ import annotations

from pathlib import Path

from triage_app.gui.qt import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget
from triage_app.gui.widgets.forms import ok_cancel


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
        layout.addWidget(ok_cancel(self.accept, self.reject, "Sign in"))
        (self.password if login else self.login).setFocus()
