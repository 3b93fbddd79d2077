"""Sign off an exhibit or the whole case: what will be recorded, then the sign-off itself.

The preview (audit head, whether the chain verifies, counts per exhibit, the
QA result, warnings) is read on the dialog's reader thread with
:func:`triage_app.supervision.signoff.preview`; the sign-off is written on the
window's single writer with :func:`triage_app.supervision.signoff.sign_off`,
which reads the figures again and records them with the head they belong to.
"""

from __future__ import annotations

import html
from typing import Any

from triage_app.case.session import CaseSession
from triage_app.gui.dialogs.reader_dialog import ReaderDialog
from triage_app.gui.qt import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    Signal,
)
from triage_app.gui.widgets.forms import error_html, message_label
from triage_app.gui.workers import JobQueue
from triage_app.supervision import signoff
from triage_app.supervision.signoff import SignOffPreview, SignOffResult


def _e(value: object) -> str:
    return html.escape(str(value))


def counts_html(counts: dict[str, dict[str, Any]]) -> str:
    """The per-exhibit counts as a small HTML table."""
    head = ("Exhibit", "Found", "Hashed", "Skipped", "Failed", "Graded", "By category", "Open")
    rows = []
    for ref, c in counts.items():
        cats = ", ".join(f"{k} {v}" for k, v in c["by_category"].items()) or "none"
        cells = (ref, c["found"], c["hashed"], c["skipped"], c["failed"], c["graded"], cats,
                 c["open"])  # fmt: skip
        rows.append("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in cells) + "</tr>")
    header = "".join(f"<th align='left'>{h}</th>" for h in head)
    return (
        "<table border='1' cellspacing='0' cellpadding='3'>"
        f"<tr>{header}</tr>{''.join(rows)}</table>"
    )


def qa_html(qa: dict[str, Any]) -> str:
    """The QA result in a few lines."""
    if not qa["rounds"]:
        return "<p>No QA sample has been drawn.</p>"
    lines = []
    for r in qa["rounds"]:
        kappa = "undefined" if r["kappa"] is None else f"{r['kappa']:.3f}"
        state = "complete" if r["complete"] else "NOT COMPLETE"
        lines.append(
            f"<li>Round {r['round']}: {_e(r['examiner'])}, second grader "
            f"{_e(r['second_grader'])}; {r['graded']} of {r['sample']} graded ({state}); "
            f"agreed {r['agreed']}; kappa {kappa}; disagreements {r['disagreements']} "
            f"({r['adjudicated']} adjudicated)</li>"
        )
    return f"<ul>{''.join(lines)}</ul>"


def preview_html(p: SignOffPreview) -> str:
    """Everything the sign-off will record, for the supervisor to read first."""
    chain = (
        "<span style='color:#1e6b2e'><b>intact</b></span>"
        if p.chain_ok
        else f"<span style='color:#a00000'><b>BROKEN</b> {_e(p.chain_problem)}</span>"
    )
    warnings = "".join(f"<li>{_e(w)}</li>" for w in p.warnings)
    return (
        f"<p><b>Audit head</b> {p.head[0]} <tt>{_e(p.head[1])}</tt><br>"
        f"<b>Hash chain</b> {chain}</p>"
        f"<h4>Counts</h4>{counts_html(p.counts)}"
        f"<h4>Blind second grading</h4>{qa_html(p.qa)}"
        + (f"<h4>Warnings</h4><ul style='color:#a00000'>{warnings}</ul>" if warnings else "")
    )


class SignOffDialog(ReaderDialog):
    """Choose the case or an exhibit, read what will be recorded, sign off.

    Signals:
        previewed(): the preview is shown.
        signed(object): the sign-off was recorded (its :class:`SignOffResult`).
        failed(str): the preview or the sign-off failed (also shown in the dialog).
    """

    previewed = Signal()
    signed = Signal(object)

    READER = "reader-signoff"
    SIZE = (760, 560)

    def __init__(
        self, session: CaseSession, writer: JobQueue, parent: QWidget | None = None
    ) -> None:
        super().__init__(session, writer, f"Sign off - case {session.reference}", parent)
        self._token = 0
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.scope = QComboBox()
        self.scope.addItem(f"The whole case {session.reference}", None)
        self._exhibits_listed = False  # the case's preview lists them (read off-thread)
        self.note = QLineEdit()
        self.note.setPlaceholderText("optional remark kept with the sign-off")
        form.addRow("&Sign off:", self.scope)
        form.addRow("&Note:", self.note)
        layout.addLayout(form)
        self.details = QTextBrowser()
        self.details.setAccessibleName("What the sign-off will record")
        layout.addWidget(self.details, 1)
        self.status = message_label()
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        self.sign_button = QPushButton("Sign &off")
        self.sign_button.setEnabled(False)
        buttons.addButton(self.sign_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.sign_button.clicked.connect(self.sign)
        layout.addWidget(buttons)
        self.scope.currentIndexChanged.connect(self.load_preview)
        self.load_preview()

    def exhibit(self) -> str | None:
        """The exhibit chosen (None: the whole case)."""
        value = self.scope.currentData()
        return str(value) if value else None

    def load_preview(self) -> None:
        """Read what a sign-off of the current choice would record (reader thread)."""
        self._token += 1
        token, session, exhibit = self._token, self.session, self.exhibit()
        self.sign_button.setEnabled(False)
        self.details.setHtml("<p>Reading the case…</p>")
        self.read_then(
            lambda: signoff.preview(session, exhibit), lambda p: self._show_preview(token, p)
        )

    def _show_preview(self, token: int, p: SignOffPreview) -> None:
        if token != self._token:
            return
        if not self._exhibits_listed and p.exhibit is None:
            self._exhibits_listed = True
            self.scope.blockSignals(True)
            for ref in p.counts:
                self.scope.addItem(f"Exhibit {ref}", ref)
            self.scope.blockSignals(False)
        self.details.setHtml(preview_html(p))
        self.sign_button.setEnabled(p.chain_ok)
        self.previewed.emit()

    def sign(self) -> None:
        """Record the sign-off (writer thread)."""
        session, exhibit, note = self.session, self.exhibit(), self.note.text()
        self.sign_button.setEnabled(False)
        self.status.setText("Signing off…")
        self.write_then(lambda: signoff.sign_off(session, exhibit=exhibit, note=note), self._signed)

    def _signed(self, result: SignOffResult) -> None:
        row = result.sign_off
        self.status.setText(
            f"Signed off {row.object} as {row.user}: audit entry {row.audit_seq}; head "
            f"{row.head_seq} {row.head_hash}"
        )
        self.signed.emit(result)

    def show_failure(self, text: str) -> None:
        """Say why, and let the supervisor try again."""
        self.status.setText(error_html(text))
        self.sign_button.setEnabled(True)
