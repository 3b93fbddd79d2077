"""The supervision entry points the front ends import (``triage_app.supervision.audit_view``
and the role checks every one of them makes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from supervision_helpers import FIRST, SECOND, SUPER, cli, sign

from triage_app.domain.errors import PermissionDeniedError
from triage_app.storage.qa_store import QaStore
from triage_app.supervision import audit_view, qa, signoff
from triage_app.supervision.audit_view import AuditFilter


def test_examiners_are_refused_the_supervisor_functions(qa_case: tuple[Path, list[int]]) -> None:
    case, _ = qa_case
    with sign(case, FIRST) as s:
        for call in (
            lambda: audit_view.load_review(s),
            lambda: audit_view.export_filtered(s, AuditFilter(), "csv", case.parent / "x.csv"),
            lambda: qa.draw_sample(s, examiner=FIRST, second_grader=SECOND, percent=10),
            lambda: qa.list_rounds(s),
            lambda: signoff.sign_off(s, exhibit="T/1"),
        ):
            with pytest.raises(PermissionDeniedError, match="needs a supervisor account"):
                call()
    out = case.parent / "review.pdf"
    for args in (("stats", case, "--json"), ("audit", "list", case),
                 ("audit", "export", case, "--out", out, "--format", "pdf"),
                 ("audit", "export", case, "--out", out, "--examiner", FIRST),
                 ("qa", "sample", case, "--examiner", FIRST, "--second-grader", SECOND,
                  "--percent", "10"),
                 ("signoff", case, "--case")):  # fmt: skip
        result = cli(*args, user="E", check=False)
        assert result.returncode == 5, (args, result.stdout, result.stderr)
        assert "needs a supervisor account" in result.stderr
    assert not out.exists()
    with sign(case, SUPER) as s:
        assert signoff.sign_offs(s) == [] and QaStore(s.store).rounds() == []


#: What the CLI and the GUI import from the facade (kept importable from here).
FRONT_END_NAMES = ("AuditExport", "AuditFilter", "AuditReview", "AuditViewError", "ExaminerStats",
                   "SOURCE_KINDS", "export_filtered", "load_review", "parse_time", "row_dict",
                   "user_matches", "render")  # fmt: skip


def test_the_facade_exports_what_the_front_ends_import() -> None:
    missing = [n for n in FRONT_END_NAMES if not hasattr(audit_view, n)]
    assert missing == []
    assert set(audit_view.__all__) >= set(FRONT_END_NAMES)
