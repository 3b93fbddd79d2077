"""The QA report and adjudication (``triage_app.supervision.qa_adjudication``)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from supervision_helpers import PATTERN, SUPER, cli, draw, second_grade, sign

from triage_app import audit
from triage_app.audit.chain import verify_rows
from triage_app.supervision import qa
from triage_app.supervision.qa import QaError


def test_report_and_adjudication_flow(qa_case: tuple[Path, list[int]]) -> None:
    case, ids = qa_case
    first = dict(zip(ids, PATTERN, strict=False))
    got = draw(case, counts={"A": 2, "B": 2, "C": 2}, seed=11)
    a1, a2 = [i for i in got.items if first[i] == "A"]
    b1, b2 = [i for i in got.items if first[i] == "B"]
    c1, c2 = [i for i in got.items if first[i] == "C"]
    with sign(case, SUPER) as s, pytest.raises(QaError, match="not complete"):
        qa.adjudicate(s, got.round_id, a1, "A", "too early")
    # Second grader: agrees on a1, b1, c1, c2; says B for a2 and A for b2.
    second_grade(case, got.round_id, {a1: "A", a2: "B", b1: "B", b2: "A", c1: "C", c2: "C"})
    with sign(case, SUPER) as s:
        report = qa.qa_report(s, got.round_id)
    # Pairs: (A,A) (A,B) (B,B) (B,A) (C,C) (C,C): p_o = 4/6; first and second both have
    # A 2, B 2, C 2, so p_e = 3 * (2/6)^2 = 1/3 and kappa = (2/3 - 1/3) / (2/3) = 1/2.
    assert report.agreement.kappa == Fraction(1, 2)
    per = {c.category: c for c in report.agreement.per_category}
    assert (per["A"].agreed, per["B"].agreed, per["C"].agreed) == (1, 1, 2)
    assert {d.item_id for d in report.disagreements} == {a2, b2}
    assert report.open_disagreements == 2 and report.complete

    examiner_try = cli("qa", "adjudicate", case, "--round", got.round_id, "--item", a2,
                       "--category", "B", "--reason", "x", user="E", check=False)  # fmt: skip
    assert examiner_try.returncode == 5
    with sign(case, SUPER) as s:
        with pytest.raises(QaError, match="needs a reason"):
            qa.adjudicate(s, got.round_id, a2, "B", "  ")
        with pytest.raises(QaError, match="not a disagreement"):
            qa.adjudicate(s, got.round_id, a1, "B", "no")
        # The second grader was right about a2: the grade is amended, with the reason.
        done = qa.adjudicate(s, got.round_id, a2, "B", "no penetration visible")
        assert done.grade_changed and done.grade_audit_seq is not None
        history = s.review.history(a2)
        assert [(h["old_category"], h["new_category"]) for h in history] == [
            (None, "A"),
            ("A", "B"),
        ]
        assert history[-1]["reason"] == f"QA round {got.round_id} adjudication: no penetration " \
            "visible"  # fmt: skip
        assert history[-1]["user"] == "Sam Super (SS3)"
        with pytest.raises(QaError, match="already adjudicated"):
            qa.adjudicate(s, got.round_id, a2, "A", "changed my mind")
    # The first grade stands for b2: recorded, no grade change.
    out = cli("qa", "adjudicate", case, "--round", got.round_id, "--item", b2, "--category",
              "B", "--reason", "activity is non-penetrative", user=SUPER).stdout  # fmt: skip
    assert "already was this" in out
    report_json = json.loads(cli("qa", "report", case, "--round", got.round_id, "--json",
                                 user=SUPER).stdout)  # fmt: skip
    assert report_json["open_disagreements"] == 0
    assert report_json["agreement"]["kappa"] == 0.5
    finals = {d["item"]: (d["final"], d["current"]["category"]) for d in
              report_json["disagreements"]}  # fmt: skip
    assert finals == {a2: ("B", "B"), b2: ("B", "B")}
    with sign(case, SUPER) as s:
        rows = list(s.review.audit_rows())
        assert len(s.review.history(b2)) == 1
    assert verify_rows(rows).ok
    adjudicated = [json.loads(r.payload) for r in rows if r.action == audit.QA_ADJUDICATED]
    assert [(p["first"], p["second"], p["final"], p["grade_changed"]) for p in adjudicated] == [
        ("A", "B", "B", True),
        ("B", "A", "B", False),
    ]
    amended = next(r for r in rows if r.action == audit.GRADE_AMENDED)
    assert amended.user == "Sam Super (SS3)" and amended.object == f"item {a2}"
