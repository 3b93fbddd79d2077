"""The new-case dialog: folder, reference, scheme, the first (examiner) account and,
for a lab case, its PostgreSQL database.

It only collects what is typed; :func:`create_case` makes the case on the
writer thread with :func:`triage_app.case.cases.create_case`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from triage_app.case import cases, lab
from triage_app.config.schemes import load_scheme
from triage_app.domain.accounts import MIN_PASSWORD_LENGTH
from triage_app.domain.errors import TriageError
from triage_app.domain.options import SCHEME_IDS
from triage_app.gui.qt import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from triage_app.gui.widgets.forms import ok_cancel, path_field, problem_label


@dataclass(frozen=True, slots=True)
class NewCase:
    """What is needed to create a case and its first account."""

    folder: Path
    reference: str
    examiner: str
    badge: str | None
    password: str
    scheme: str
    #: A lab case's database (no password in it), or None for SQLite in the folder.
    database_url: str | None = None


class NewCaseDialog(QDialog):
    """Folder, reference, scheme and the first (examiner) account of a new case."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New case")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.folder = QLineEdit()
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
        form.addRow("Case &folder (new, empty):", path_field(self.folder, self._browse))
        form.addRow("Case &reference:", self.reference)
        form.addRow("&Examiner name:", self.examiner)
        form.addRow("Ba&dge (optional):", self.badge)
        form.addRow("&Password:", self.password)
        form.addRow("Password a&gain:", self.password2)
        form.addRow("Grading &scheme:", self.scheme)
        self.database_url = QLineEdit()
        self.database_url.setPlaceholderText(
            "empty: in the folder; lab: postgresql://triage_app@HOST/DATABASE"
        )
        self.database_url.setToolTip(
            "The lab's PostgreSQL database. No password here: libpq reads it from "
            "~/.pgpass, $PGPASSFILE or a service (postgresql:///?service=NAME)."
        )
        form.addRow("&Lab database (optional):", self.database_url)
        layout.addLayout(form)
        self.problem = problem_label()
        layout.addWidget(self.problem)
        layout.addWidget(ok_cancel(self._check, self.reject, "Create case"))

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
        url = self.database_url.text().strip()
        if url:
            try:
                lab.check_url(url)
            except TriageError as exc:
                return f"Lab database: {exc}"
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
            database_url=self.database_url.text().strip() or None,
        )


def create_case(new: NewCase) -> None:
    """Create the case folder with its first account (writer thread)."""
    cases.create_case(
        new.folder,
        reference=new.reference,
        examiner=new.examiner,
        password=new.password,
        badge=new.badge,
        scheme=new.scheme,
        database_url=new.database_url,
    )
