"""The renderer interface (``triage_app.reports.print_document``): callers pass a renderer;
the default one (WeasyPrint) needs no Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO, TEST_PASSWORD, TEST_USER
from review_helpers import add_items

from triage_app.case.session import CaseSession
from triage_app.reports import export_report
from triage_app.reports.pdf_document import PrintDocument, PrintPart, RenderedPdf
from triage_app.reports.print_document import WeasyPrintRenderer, default_renderer, render_pdf
from triage_app.review import grading
from triage_app.storage.case_store import CaseStore


class _Recording:
    """A renderer that keeps what it is given and returns a fixed "PDF"."""

    def __init__(self) -> None:
        self.documents: list[PrintDocument] = []

    def render(self, document: PrintDocument) -> RenderedPdf:
        self.documents.append(document)
        return RenderedPdf(b"%PDF-1.4 stand-in", 3)


def test_the_renderer_passed_in_is_the_one_used(tmp_path: Path, test_password_hash: str) -> None:
    document = PrintDocument("T", "A", "left", "right", "foot", (PrintPart("<p>x</p>"),))
    recording = _Recording()
    assert render_pdf(document, recording) == RenderedPdf(b"%PDF-1.4 stand-in", 3)
    assert recording.documents == [document]
    assert isinstance(default_renderer(), WeasyPrintRenderer)

    case = tmp_path / "case"
    with CaseStore.create(
        case, reference="R-2", examiner=TEST_USER, password_hash=test_password_hash
    ) as store:
        ids = add_items(store, 3)
    with CaseSession.sign_in(case, TEST_USER, TEST_PASSWORD) as session:
        grading.grade(session, ids, "A")
        result = export_report(session, "pdf", tmp_path / "r.pdf", renderer=recording)
    assert (tmp_path / "r.pdf").read_bytes() == b"%PDF-1.4 stand-in"
    assert result.counts["pages"] == 3
    (report,) = recording.documents[1:]
    assert [p.landscape for p in report.parts] == [False, True, False]
    assert report.header_left == "Case R-2" and report.footer_left.startswith("Audit trail head ")


_WITHOUT_QT = """
import sys
sys.modules["PySide6"] = None  # any import of Qt now fails
from triage_app.reports.pdf_document import PrintDocument, PrintPart
from triage_app.reports.print_document import render_pdf
pdf = render_pdf(PrintDocument("T", "A", "l", "r", "f", (PrintPart("<p>no Qt</p>"),)))
assert pdf.data.startswith(b"%PDF") and pdf.pages == 1
loaded = [m for m, mod in sys.modules.items() if mod is not None]
assert not [m for m in loaded if m.startswith(("PySide6", "shiboken6", "triage_app.gui"))]
print("rendered without Qt")
"""


def test_a_pdf_is_rendered_with_qt_blocked() -> None:
    run = subprocess.run([sys.executable, "-c", _WITHOUT_QT], capture_output=True, text=True,
                         cwd=REPO, check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "rendered without Qt"
